"""ComfyUI's script_examples/websockets_api_example_ws_images.py, step for step: the prompt's last
node is a SaveImageWebsocket under the id "save_image_websocket_node"; POST {prompt, client_id} to
/api/prompt, track the node `executing` names, and keep every binary frame that arrives while that
node runs, without its 8-byte header, until `executing` says node None for this prompt_id.
Usage: websockets_images_client.py HOST:PORT CHECKPOINT OUT_DIR. Writes the frames as PNG files and
prints {"prompt_id", "images": {node: [file…]}}."""
import json
import sys
import urllib.request
import uuid

import websocket  # websocket-client (Debian: python3-websocket)

from example_support import example_prompt, write_images

server_address, checkpoint, out_dir = sys.argv[1], sys.argv[2], sys.argv[3]
client_id = str(uuid.uuid4())


def queue_prompt(prompt):
    p = {"prompt": prompt, "client_id": client_id}
    data = json.dumps(p).encode('utf-8')
    req = urllib.request.Request("http://{}/api/prompt".format(server_address), data=data)
    return json.loads(urllib.request.urlopen(req).read())


def get_images(ws, prompt):
    prompt_id = queue_prompt(prompt)['prompt_id']
    output_images = {}
    current_node = ""
    while True:
        out = ws.recv()
        if isinstance(out, str):
            message = json.loads(out)
            if message['type'] == 'executing':
                data = message['data']
                if data['prompt_id'] == prompt_id:
                    if data['node'] is None:
                        break  # Execution is done
                    else:
                        current_node = data['node']
        else:
            if current_node == 'save_image_websocket_node':
                images_output = output_images.get(current_node, [])
                images_output.append(out[8:])
                output_images[current_node] = images_output

    return prompt_id, output_images


prompt = example_prompt(checkpoint, save_node="save_image_websocket_node")
prompt["save_image_websocket_node"]["class_type"] = "SaveImageWebsocket"
del prompt["save_image_websocket_node"]["inputs"]["filename_prefix"]
prompt["6"]["inputs"]["text"] = "masterpiece best quality man"
prompt["3"]["inputs"]["seed"] = 5

ws = websocket.WebSocket()
ws.connect("ws://{}/ws?clientId={}".format(server_address, client_id))
prompt_id, images = get_images(ws, prompt)
ws.close()

print(json.dumps({"prompt_id": prompt_id, "images": write_images(images, out_dir)}))
