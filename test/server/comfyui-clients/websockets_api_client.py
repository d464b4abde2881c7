"""ComfyUI's script_examples/websockets_api_example.py, step for step: connect to /ws?clientId=…,
POST {prompt, client_id} to /prompt, read messages until `executing` says node None for this
prompt_id (binary previews skipped), then GET /history/{prompt_id} and each image through /view.
Usage: websockets_api_client.py HOST:PORT CHECKPOINT OUT_DIR. Writes the images it got to OUT_DIR
as NODE_INDEX.png and prints {"prompt_id", "history", "images": {node: [file…]}, "messages": [types]}."""
import json
import sys
import urllib.parse
import urllib.request
import uuid

import websocket  # websocket-client (Debian: python3-websocket)

from example_support import example_prompt, write_images

server_address, checkpoint, out_dir = sys.argv[1], sys.argv[2], sys.argv[3]
client_id = str(uuid.uuid4())
seen_types = []


def queue_prompt(prompt):
    p = {"prompt": prompt, "client_id": client_id}
    data = json.dumps(p).encode('utf-8')
    req = urllib.request.Request("http://{}/prompt".format(server_address), data=data)
    return json.loads(urllib.request.urlopen(req).read())


def get_image(filename, subfolder, folder_type):
    data = {"filename": filename, "subfolder": subfolder, "type": folder_type}
    url_values = urllib.parse.urlencode(data)
    with urllib.request.urlopen("http://{}/view?{}".format(server_address, url_values)) as response:
        return response.read()


def get_history(prompt_id):
    with urllib.request.urlopen("http://{}/history/{}".format(server_address, prompt_id)) as response:
        return json.loads(response.read())


def get_images(ws, prompt):
    prompt_id = queue_prompt(prompt)['prompt_id']
    output_images = {}
    while True:
        out = ws.recv()
        if isinstance(out, str):
            message = json.loads(out)
            seen_types.append(message['type'])
            if message['type'] == 'executing':
                data = message['data']
                if data['node'] is None and data['prompt_id'] == prompt_id:
                    break  # Execution is done
        else:
            seen_types.append('binary')
            continue  # previews are binary data

    history = get_history(prompt_id)[prompt_id]
    for node_id in history['outputs']:
        node_output = history['outputs'][node_id]
        images_output = []
        if 'images' in node_output:
            for image in node_output['images']:
                image_data = get_image(image['filename'], image['subfolder'], image['type'])
                images_output.append(image_data)
        output_images[node_id] = images_output

    return prompt_id, history, output_images


prompt = example_prompt(checkpoint)
prompt["6"]["inputs"]["text"] = "masterpiece best quality man"
prompt["3"]["inputs"]["seed"] = 5

ws = websocket.WebSocket()
ws.connect("ws://{}/ws?clientId={}".format(server_address, client_id))
prompt_id, history, images = get_images(ws, prompt)
ws.close()

print(json.dumps({"prompt_id": prompt_id, "history": history, "images": write_images(images, out_dir), "messages": seen_types}))
