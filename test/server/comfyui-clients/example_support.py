"""What the example clients share beyond ComfyUI's protocol: the API-format prompt ComfyUI's
script_examples send (SD 1.5 text-to-image at 512x512, 20 euler steps), written out here, where the
checkpoint name is the one thing a caller changes; and saving what a client received for the test."""
import json
import os

PROMPT_TEXT = """
{
    "3": {"class_type": "KSampler", "inputs": {"cfg": 8, "denoise": 1, "latent_image": ["5", 0], "model": ["4", 0],
          "negative": ["7", 0], "positive": ["6", 0], "sampler_name": "euler", "scheduler": "normal", "seed": 8566257, "steps": 20}},
    "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "v1-5-pruned-emaonly.safetensors"}},
    "5": {"class_type": "EmptyLatentImage", "inputs": {"batch_size": 1, "height": 512, "width": 512}},
    "6": {"class_type": "CLIPTextEncode", "inputs": {"clip": ["4", 1], "text": "masterpiece best quality girl"}},
    "7": {"class_type": "CLIPTextEncode", "inputs": {"clip": ["4", 1], "text": "bad hands"}},
    "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
    "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "ComfyUI", "images": ["8", 0]}}
}
"""


def example_prompt(checkpoint, save_node="9"):
    """The examples' prompt with `checkpoint` loaded; `save_node` renames the SaveImage node's id."""
    prompt = json.loads(PROMPT_TEXT)
    prompt["4"]["inputs"]["ckpt_name"] = checkpoint
    if save_node != "9":
        prompt[save_node] = prompt.pop("9")
    return prompt


def write_images(images, out_dir):
    """Writes {node_id: [png bytes…]} to OUT_DIR/NODE_INDEX.png; returns {node_id: [path…]}."""
    written = {}
    for node_id, datas in images.items():
        written[node_id] = []
        for index, image_data in enumerate(datas):
            path = os.path.join(out_dir, "{}_{}.png".format(node_id, index))
            with open(path, "wb") as f:
                f.write(image_data)
            written[node_id].append(path)
    return written
