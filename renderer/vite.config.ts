/**
 * Builds the canvas UI into renderer/dist. `base: './'` keeps asset URLs relative so the same
 * build loads from the HTTP server (browser mode) and from Electron's app:// scheme.
 */
import { defineConfig, type Plugin } from 'vite';

/**
 * litegraph's number-widget prompt passes typed text to `eval` (to allow "2*3"). Our CSP forbids
 * eval and the app never reaches that code (canvas/widgets/number-widget.ts replaces the prompt
 * with an arithmetic parser), so the call is cut from the bundle; the build fails if litegraph
 * grows another one, rather than shipping it.
 */
function withoutEval(): Plugin {
  return {
    name: 'scalecrafter:without-eval',
    transform(code, id) {
      if (!id.includes('@comfyorg/litegraph') || !id.endsWith('.js')) return null;
      const rewritten = code.replaceAll('v = eval(v);', 'void v;');
      if (/\beval\s*\(/.test(rewritten)) this.error(`${id} still calls eval(): extend the rewrite in renderer/vite.config.ts`);
      return rewritten === code ? null : { code: rewritten, map: null };
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [withoutEval()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // litegraph alone is ~600 kB; one chunk loads once from disk or loopback.
    chunkSizeWarningLimit: 1500,
    sourcemap: true,
  },
});
