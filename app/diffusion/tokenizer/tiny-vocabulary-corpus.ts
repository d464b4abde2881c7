/**
 * The fixed corpus the tiny default model's BPE vocabulary is learned from: short image prompts in
 * the style people type into Stable Diffusion. Frozen on purpose — changing one word changes the
 * learned merges and so the token ids a trained tiny text encoder expects.
 */
export const TINY_VOCABULARY_CORPUS = `
a photo of a cat sitting on a wooden table, soft light, high detail
a photo of a dog running on the beach at sunset, golden hour
a portrait of a woman with long red hair, studio lighting, sharp focus
a portrait of an old man with a white beard, dramatic lighting
a painting of a mountain landscape with a lake and pine trees
an oil painting of a sailing ship on a stormy sea, dark clouds
a watercolor painting of a small village in the mountains
a digital painting of a castle on a hill, fantasy art, highly detailed
a cozy cabin in a snowy forest at night, warm light in the windows
a futuristic city at night with neon lights and flying cars, cyberpunk
a beautiful garden with red roses and blue flowers, spring morning
a bowl of fresh fruit on a kitchen table, still life, natural light
a close up photo of a red apple with water drops, macro photography
a cute cat wearing a small hat, digital art, trending on artstation
a golden retriever puppy playing in the green grass, shallow depth of field
a landscape photo of a river in a green valley, blue sky, white clouds
a black and white photo of a street in the rain, city lights
an astronaut riding a horse on the moon, cinematic lighting, 8k
a dragon flying over a burning castle, epic fantasy, concept art
a robot sitting in a field of flowers, soft colors, studio ghibli style
a portrait of a young girl with blue eyes, oil painting, detailed face
a wide angle photo of a desert with sand dunes under a clear sky
a lighthouse on a rocky coast during a storm, waves crashing
a forest path in autumn with orange and yellow leaves, morning fog
a bridge over a river in a quiet town, evening light, reflections
a cup of coffee on a wooden desk next to a laptop and a book
a vintage car parked on a city street, sunny day, film photo
a mountain lake at sunrise, mist over the water, calm and peaceful
a fantasy forest with glowing mushrooms and tall trees, magical light
a sunset over the ocean with pink and orange clouds, long exposure
a snowy mountain peak under a starry night sky, milky way
a small house by the sea, blue door, white walls, summer light
a portrait of a knight in shining armor, dramatic light, dark background
a cat and a dog sleeping together on a soft blanket, warm colors
a bird sitting on a branch in the snow, winter morning, sharp focus
a field of sunflowers under a blue sky, bright summer day
a train crossing a stone bridge in the mountains, steam, cinematic
a japanese temple with cherry blossoms in spring, soft pink light
an illustration of a fox in a winter forest, children's book style
a medieval city street at night, lanterns, wet stones, rain
a highly detailed photo of a tiger walking in the jungle
a photo of a horse standing in a green field, morning light
a still life painting of flowers in a glass vase, soft shadows
a space station orbiting a blue planet, stars, science fiction art
a portrait photo of a man wearing glasses, natural light, bokeh
a beautiful woman in a red dress walking in the city, street photo
a wooden boat on a calm lake surrounded by mountains and trees
a waterfall in a tropical forest, lush green plants, soft light
a cozy living room with a fireplace and a large window, interior design
a modern kitchen with white cabinets and wooden floor, interior photo
a colorful hot air balloon over green hills, sunny morning
a panda eating bamboo in a forest, wildlife photography
a city skyline at sunset, tall buildings, golden light, reflections
an old stone castle on a cliff over the sea, dramatic sky
a magical girl with a glowing staff, anime style, detailed background
a cute little robot with big eyes, 3d render, soft lighting
a bowl of ramen with an egg, food photography, high detail
a chocolate cake on a white plate, food photo, soft light
a tree on a hill under the night sky, stars, long exposure photo
a river flowing through a canyon, red rocks, blue sky, wide angle
a portrait of a cat with green eyes, black background, sharp detail
a snowy village at night with warm lights, christmas, cozy
a pirate ship sailing through the clouds, fantasy concept art
a detailed map of a fantasy world, old paper, ink drawing
a pencil drawing of a woman's face, sketch, black and white
a sunny beach with palm trees and clear blue water, summer
a rainy street in tokyo at night, neon signs, reflections, cinematic
a deer standing in a misty forest at dawn, soft golden light
a large library with tall wooden shelves full of books, warm light
a steampunk airship over a victorian city, detailed illustration
an owl sitting on a tree branch at night, full moon, clouds
a bouquet of white roses, soft focus, pastel colors
a red fox sleeping in the snow, wildlife photo, high detail
a mountain cabin by a lake, autumn trees, reflections in the water
a beautiful landscape with mountains, a river and green fields, masterpiece, best quality
a photo of a cat, a photo of a dog, a photo of a bird, a photo of a horse
best quality, masterpiece, highly detailed, sharp focus, 4k, 8k, trending on artstation
low quality, blurry, bad anatomy, worst quality, watermark, text, cropped
portrait, landscape, photo, painting, drawing, illustration, render, sketch
red, orange, yellow, green, blue, purple, pink, black, white, gray, brown, golden, silver
`;
