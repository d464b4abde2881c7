"""ComfyUI's script_examples/basic_api_example.py, step for step: POST {"prompt": …} to /prompt with
urllib (no content type, as the example sends it), after setting the positive text and the seed.
Usage: basic_api_client.py HOST:PORT CHECKPOINT. Prints the server's reply (the example ignores it)."""
import json
import sys
import urllib.request

from example_support import example_prompt

server_address, checkpoint = sys.argv[1], sys.argv[2]


def queue_prompt(prompt):
    p = {"prompt": prompt}
    data = json.dumps(p).encode('utf-8')
    req = urllib.request.Request("http://{}/prompt".format(server_address), data=data)
    return urllib.request.urlopen(req).read()


prompt = example_prompt(checkpoint)
prompt["6"]["inputs"]["text"] = "masterpiece best quality man"
prompt["3"]["inputs"]["seed"] = 5
print(queue_prompt(prompt).decode('utf-8'))
