import path from 'node:path';
import type { Command } from 'commander';
import { EngineClient } from '../../engine/engine-client.js';
import { startHttpApi } from '../../server/http-api.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description("serve the engine over HTTP with ComfyUI's API (and the canvas UI) on this machine")
    .option('--listen <host>', 'address to bind; anything but loopback exposes your GPU to the network', '127.0.0.1')
    .option('--port <port>', 'port (0 picks a free one)', '8188')
    .option('-o, --out <dir>', 'output folder', 'out')
    .option('--input <dir>', "ComfyUI's input folder: /upload/image writes there, LoadImage reads names from it", 'input')
    .action(async (options: { listen: string; port: string; out: string; input: string }) => {
      const engine = await EngineClient.start();
      const { url } = await startHttpApi({ engine, outputDir: path.resolve(options.out), inputDir: path.resolve(options.input), host: options.listen, port: Number(options.port) });
      process.stdout.write(`ScaleCrafter Studio engine listening on ${url}\n`);
    });
}
