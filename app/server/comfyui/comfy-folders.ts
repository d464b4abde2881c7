/**
 * ComfyUI's three file folders as this server keeps them: `input` (uploads, what LoadImage reads),
 * `output`, and `temp`, which is the output folder too (PreviewImage writes to its .previews
 * subfolder and reports type "temp"). A file name may carry ComfyUI's annotation, "name.png [input]".
 */
export type FolderType = 'input' | 'output' | 'temp';

export interface ComfyFolders {
  inputDir: string;
  outputDir: string;
  dirFor(type: FolderType): string;
}

export function comfyFolders(inputDir: string, outputDir: string): ComfyFolders {
  return { inputDir, outputDir, dirFor: (type) => (type === 'input' ? inputDir : outputDir) };
}

export function isFolderType(type: string): type is FolderType {
  return type === 'input' || type === 'output' || type === 'temp';
}

/** folder_paths.annotated_filepath: a trailing " [input]", " [output]" or " [temp]" names the folder. */
export function folderFileName(name: string, fallback: FolderType): { filename: string; type: FolderType } {
  const match = / \[(input|output|temp)\]$/.exec(name);
  return match ? { filename: name.slice(0, match.index), type: match[1] as FolderType } : { filename: name, type: fallback };
}
