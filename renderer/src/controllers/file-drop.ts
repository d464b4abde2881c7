/**
 * Dropping a workflow .json or a PNG this app (or ComfyUI) wrote anywhere on the window opens it.
 * Listens in the capture phase so litegraph's own canvas drop handling never sees workflow files.
 */
export function installFileDrop(open: (name: string, bytes: Uint8Array) => void): void {
  window.addEventListener(
    'dragover',
    (event) => {
      if (!event.dataTransfer?.types.includes('Files')) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    },
    true,
  );
  window.addEventListener(
    'drop',
    (event) => {
      const file = event.dataTransfer?.files[0];
      if (!file) return;
      event.preventDefault();
      event.stopPropagation();
      void file.arrayBuffer().then((buffer) => open(file.name, new Uint8Array(buffer)));
    },
    true,
  );
}
