/**
 * A WeightSource that answers diffusers names from an original checkpoint, tensor by tensor, as
 * the graph builders ask: a rename, a row slice (read alone from the file), a transpose or a
 * reshape per the component's key mapping. Nothing is converted ahead of time and nothing is
 * kept after it is handed over, so importing never holds more than the tensor being built.
 */
import type { SafetensorsFile } from '../weights/safetensors-file.js';
import { weightError, formatShape, type WeightSource } from '../weights/weight-source.js';
import type { KeyMapping, TensorRecipe } from './tensor-recipe.js';

export class CheckpointWeights implements WeightSource {
  readonly description: string;
  private readonly requested = new Set<string>();

  constructor(
    private readonly file: SafetensorsFile,
    private readonly mapping: KeyMapping,
    component: string,
    private readonly onTensor: () => void = () => undefined,
  ) {
    this.description = `${component} of checkpoint ${file.path}`;
  }

  tensor(name: string, shape: readonly number[]): Float32Array {
    const recipe = this.mapping.get(name);
    if (recipe === undefined) {
      throw weightError('missing', name, this.description, 'is missing', 'the checkpoint lacks this parameter; it may be damaged, or its architecture differs from the detected config (pass --unet-config / --vae-config)');
    }
    if (recipe.shape.length !== shape.length || recipe.shape.some((dim, axis) => dim !== shape[axis])) {
      throw weightError('wrong_shape', name, this.description, `(stored as "${recipe.source}") has shape ${formatShape(recipe.shape)} but ${formatShape(shape)} was expected`, 'the config does not match the checkpoint; check --unet-config / --vae-config');
    }
    const info = this.file.info(recipe.source);
    if (info !== undefined && info.dtype !== 'F32' && info.dtype !== 'F16' && info.dtype !== 'BF16') {
      throw weightError('unsupported_dtype', name, this.description, `(stored as "${recipe.source}") is ${info.dtype}`, 'only F32, F16 and BF16 checkpoints can be imported');
    }
    this.requested.add(name);
    this.onTensor();
    return read(this.file, recipe);
  }

  /** Mapped parameters no builder asked for. */
  unusedParameters(): string[] {
    return [...this.mapping.keys()].filter((name) => !this.requested.has(name));
  }
}

function read(file: SafetensorsFile, recipe: TensorRecipe): Float32Array {
  const values = recipe.rows ? file.readRowsSync(recipe.source, recipe.rows.first, recipe.rows.count) : file.readSync(recipe.source);
  return recipe.transpose ? transpose2d(values, recipe.shape[1]!, recipe.shape[0]!) : values;
}

/** [rows, columns] row-major → [columns, rows]. */
function transpose2d(values: Float32Array, rows: number, columns: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) out[c * rows + r] = values[r * columns + c]!;
  }
  return out;
}
