/**
 * An independent description of the ORIGINAL single-file checkpoint layout, generated module by
 * module from the architecture the way ldm/sgm construct it (openaimodel.py UNetModel with
 * ResBlock / SpatialTransformer / Downsample / Upsample, ldm's Encoder / Decoder, open_clip's text
 * tower), each stored tensor paired with the diffusers parameter(s) it holds. The importer instead
 * parses stored names; this walks the architecture — so the tests compare two derivations.
 *
 * An entry with several parts holds them stacked along rows (OpenCLIP's fused in_proj); a
 * transposed entry stores the diffusers tensor transposed (text_projection); `ignored` entries
 * (SD 2.x's last text layer) have no diffusers counterpart.
 */

export interface StoredPart {
  diffusers: string;
  shape: number[];
}

export interface StoredTensor {
  key: string;
  shape: number[];
  parts: StoredPart[];
  transpose?: boolean;
  ignored?: boolean;
}

type Sink = (key: string, shape: number[], diffusers: string, diffusersShape?: number[]) => void;

function sinkInto(list: StoredTensor[], ldmPrefix: string, diffusersPrefix: string): Sink {
  return (key, shape, diffusers, diffusersShape = shape) => {
    list.push({ key: ldmPrefix + key, shape, parts: [{ diffusers: diffusersPrefix + diffusers, shape: diffusersShape }] });
  };
}

const conv = (out: number, inp: number, k: number) => [out, inp, k, k];

function withBias(sink: Sink, ldm: string, diffusers: string, weight: number[]): void {
  sink(`${ldm}.weight`, weight, `${diffusers}.weight`);
  sink(`${ldm}.bias`, [weight[0]!], `${diffusers}.bias`);
}

function norm(sink: Sink, ldm: string, diffusers: string, channels: number): void {
  sink(`${ldm}.weight`, [channels], `${diffusers}.weight`);
  sink(`${ldm}.bias`, [channels], `${diffusers}.bias`);
}

export interface UNetSpec {
  inChannels: number;
  outChannels: number;
  modelChannels: number;
  channelMult: number[];
  numResBlocks: number;
  /** transformer depth per level, 0 = no attention */
  depth: number[];
  midDepth: number;
  contextDim: number;
  linearProjection: boolean;
  /** SDXL's label_emb input width */
  admInChannels?: number;
}

function resBlock(sink: Sink, ldm: string, diffusers: string, inp: number, out: number, temb: number): void {
  norm(sink, `${ldm}.in_layers.0`, `${diffusers}.norm1`, inp);
  withBias(sink, `${ldm}.in_layers.2`, `${diffusers}.conv1`, conv(out, inp, 3));
  withBias(sink, `${ldm}.emb_layers.1`, `${diffusers}.time_emb_proj`, [out, temb]);
  norm(sink, `${ldm}.out_layers.0`, `${diffusers}.norm2`, out);
  withBias(sink, `${ldm}.out_layers.3`, `${diffusers}.conv2`, conv(out, out, 3));
  if (inp !== out) withBias(sink, `${ldm}.skip_connection`, `${diffusers}.conv_shortcut`, conv(out, inp, 1));
}

function spatialTransformer(sink: Sink, ldm: string, diffusers: string, ch: number, depth: number, spec: UNetSpec): void {
  // Transformer internals carry the same names in both layouts.
  const same = (name: string, shape: number[]) => sink(`${ldm}.${name}`, shape, `${diffusers}.${name}`);
  same('norm.weight', [ch]);
  same('norm.bias', [ch]);
  const projection = spec.linearProjection ? [ch, ch] : conv(ch, ch, 1);
  for (const p of ['proj_in', 'proj_out']) {
    same(`${p}.weight`, projection);
    same(`${p}.bias`, [ch]);
  }
  for (let b = 0; b < depth; b++) {
    const block = `transformer_blocks.${b}`;
    for (const attn of ['attn1', 'attn2']) {
      const kv = attn === 'attn1' ? ch : spec.contextDim;
      same(`${block}.${attn}.to_q.weight`, [ch, ch]);
      same(`${block}.${attn}.to_k.weight`, [ch, kv]);
      same(`${block}.${attn}.to_v.weight`, [ch, kv]);
      same(`${block}.${attn}.to_out.0.weight`, [ch, ch]);
      same(`${block}.${attn}.to_out.0.bias`, [ch]);
    }
    same(`${block}.ff.net.0.proj.weight`, [8 * ch, ch]);
    same(`${block}.ff.net.0.proj.bias`, [8 * ch]);
    same(`${block}.ff.net.2.weight`, [ch, 4 * ch]);
    same(`${block}.ff.net.2.bias`, [ch]);
    for (const n of ['norm1', 'norm2', 'norm3']) {
      same(`${block}.${n}.weight`, [ch]);
      same(`${block}.${n}.bias`, [ch]);
    }
  }
}

export function ldmUNetTensors(spec: UNetSpec): StoredTensor[] {
  const list: StoredTensor[] = [];
  const sink = sinkInto(list, 'model.diffusion_model.', '');
  const C = spec.modelChannels;
  const temb = 4 * C;
  withBias(sink, 'time_embed.0', 'time_embedding.linear_1', [temb, C]);
  withBias(sink, 'time_embed.2', 'time_embedding.linear_2', [temb, temb]);
  if (spec.admInChannels !== undefined) {
    withBias(sink, 'label_emb.0.0', 'add_embedding.linear_1', [temb, spec.admInChannels]);
    withBias(sink, 'label_emb.0.2', 'add_embedding.linear_2', [temb, temb]);
  }
  withBias(sink, 'input_blocks.0.0', 'conv_in', conv(C, spec.inChannels, 3));
  const skips = [C];
  let ch = C;
  let index = 1;
  spec.channelMult.forEach((mult, level) => {
    for (let r = 0; r < spec.numResBlocks; r++) {
      resBlock(sink, `input_blocks.${index}.0`, `down_blocks.${level}.resnets.${r}`, ch, mult * C, temb);
      ch = mult * C;
      if (spec.depth[level]! > 0) spatialTransformer(sink, `input_blocks.${index}.1`, `down_blocks.${level}.attentions.${r}`, ch, spec.depth[level]!, spec);
      skips.push(ch);
      index++;
    }
    if (level < spec.channelMult.length - 1) {
      withBias(sink, `input_blocks.${index}.0.op`, `down_blocks.${level}.downsamplers.0.conv`, conv(ch, ch, 3));
      skips.push(ch);
      index++;
    }
  });
  resBlock(sink, 'middle_block.0', 'mid_block.resnets.0', ch, ch, temb);
  spatialTransformer(sink, 'middle_block.1', 'mid_block.attentions.0', ch, spec.midDepth, spec);
  resBlock(sink, 'middle_block.2', 'mid_block.resnets.1', ch, ch, temb);
  index = 0;
  [...spec.channelMult].reverse().forEach((mult, up) => {
    const level = spec.channelMult.length - 1 - up;
    for (let r = 0; r <= spec.numResBlocks; r++) {
      const skip = skips.pop()!;
      resBlock(sink, `output_blocks.${index}.0`, `up_blocks.${up}.resnets.${r}`, ch + skip, mult * C, temb);
      ch = mult * C;
      let part = 1;
      if (spec.depth[level]! > 0) spatialTransformer(sink, `output_blocks.${index}.${part++}`, `up_blocks.${up}.attentions.${r}`, ch, spec.depth[level]!, spec);
      if (level > 0 && r === spec.numResBlocks) withBias(sink, `output_blocks.${index}.${part}.conv`, `up_blocks.${up}.upsamplers.0.conv`, conv(ch, ch, 3));
      index++;
    }
  });
  norm(sink, 'out.0', 'conv_norm_out', C);
  withBias(sink, 'out.2', 'conv_out', conv(spec.outChannels, C, 3));
  return list;
}

export interface VaeSpec {
  ch: number;
  chMult: number[];
  numResBlocks: number;
  zChannels: number;
  inChannels: number;
  outChannels: number;
}

function vaeResnet(sink: Sink, ldm: string, diffusers: string, inp: number, out: number): void {
  norm(sink, `${ldm}.norm1`, `${diffusers}.norm1`, inp);
  withBias(sink, `${ldm}.conv1`, `${diffusers}.conv1`, conv(out, inp, 3));
  norm(sink, `${ldm}.norm2`, `${diffusers}.norm2`, out);
  withBias(sink, `${ldm}.conv2`, `${diffusers}.conv2`, conv(out, out, 3));
  if (inp !== out) withBias(sink, `${ldm}.nin_shortcut`, `${diffusers}.conv_shortcut`, conv(out, inp, 1));
}

function vaeMid(sink: Sink, half: string, c: number): void {
  vaeResnet(sink, `${half}.mid.block_1`, `${half}.mid_block.resnets.0`, c, c);
  norm(sink, `${half}.mid.attn_1.norm`, `${half}.mid_block.attentions.0.group_norm`, c);
  for (const [ldm, diffusers] of [['q', 'to_q'], ['k', 'to_k'], ['v', 'to_v'], ['proj_out', 'to_out.0']] as const) {
    // ldm's AttnBlock uses 1×1 convs; diffusers' Attention uses Linear layers with the same values.
    sink(`${half}.mid.attn_1.${ldm}.weight`, conv(c, c, 1), `${half}.mid_block.attentions.0.${diffusers}.weight`, [c, c]);
    sink(`${half}.mid.attn_1.${ldm}.bias`, [c], `${half}.mid_block.attentions.0.${diffusers}.bias`);
  }
  vaeResnet(sink, `${half}.mid.block_2`, `${half}.mid_block.resnets.1`, c, c);
}

export function ldmVaeTensors(spec: VaeSpec): StoredTensor[] {
  const list: StoredTensor[] = [];
  const sink = sinkInto(list, 'first_stage_model.', '');
  const levels = spec.chMult.length;
  withBias(sink, 'encoder.conv_in', 'encoder.conv_in', conv(spec.ch, spec.inChannels, 3));
  let c = spec.ch;
  spec.chMult.forEach((mult, i) => {
    for (let j = 0; j < spec.numResBlocks; j++) {
      vaeResnet(sink, `encoder.down.${i}.block.${j}`, `encoder.down_blocks.${i}.resnets.${j}`, c, spec.ch * mult);
      c = spec.ch * mult;
    }
    if (i < levels - 1) withBias(sink, `encoder.down.${i}.downsample.conv`, `encoder.down_blocks.${i}.downsamplers.0.conv`, conv(c, c, 3));
  });
  vaeMid(sink, 'encoder', c);
  norm(sink, 'encoder.norm_out', 'encoder.conv_norm_out', c);
  withBias(sink, 'encoder.conv_out', 'encoder.conv_out', conv(2 * spec.zChannels, c, 3));
  withBias(sink, 'quant_conv', 'quant_conv', conv(2 * spec.zChannels, 2 * spec.zChannels, 1));
  withBias(sink, 'post_quant_conv', 'post_quant_conv', conv(spec.zChannels, spec.zChannels, 1));
  c = spec.ch * spec.chMult[levels - 1]!;
  withBias(sink, 'decoder.conv_in', 'decoder.conv_in', conv(c, spec.zChannels, 3));
  vaeMid(sink, 'decoder', c);
  for (let i = levels - 1; i >= 0; i--) {
    const up = levels - 1 - i;
    for (let j = 0; j <= spec.numResBlocks; j++) {
      vaeResnet(sink, `decoder.up.${i}.block.${j}`, `decoder.up_blocks.${up}.resnets.${j}`, c, spec.ch * spec.chMult[i]!);
      c = spec.ch * spec.chMult[i]!;
    }
    if (i > 0) withBias(sink, `decoder.up.${i}.upsample.conv`, `decoder.up_blocks.${up}.upsamplers.0.conv`, conv(c, c, 3));
  }
  norm(sink, 'decoder.norm_out', 'decoder.conv_norm_out', spec.ch);
  withBias(sink, 'decoder.conv_out', 'decoder.conv_out', conv(spec.outChannels, spec.ch, 3));
  return list;
}

export interface TextSpec {
  vocab: number;
  positions: number;
  width: number;
  layers: number;
  intermediate: number;
}

/** OpenAI CLIP as transformers names it (SD 1.x and SDXL's first encoder store it that way). */
export function hfClipTensors(prefix: string, spec: TextSpec): StoredTensor[] {
  const list: StoredTensor[] = [];
  const sink = sinkInto(list, prefix, '');
  const d = spec.width;
  const same = (name: string, shape: number[]) => sink(name, shape, name);
  same('text_model.embeddings.token_embedding.weight', [spec.vocab, d]);
  same('text_model.embeddings.position_embedding.weight', [spec.positions, d]);
  for (let l = 0; l < spec.layers; l++) {
    const layer = `text_model.encoder.layers.${l}`;
    for (const p of ['q_proj', 'k_proj', 'v_proj', 'out_proj']) {
      same(`${layer}.self_attn.${p}.weight`, [d, d]);
      same(`${layer}.self_attn.${p}.bias`, [d]);
    }
    for (const n of ['layer_norm1', 'layer_norm2']) {
      same(`${layer}.${n}.weight`, [d]);
      same(`${layer}.${n}.bias`, [d]);
    }
    same(`${layer}.mlp.fc1.weight`, [spec.intermediate, d]);
    same(`${layer}.mlp.fc1.bias`, [spec.intermediate]);
    same(`${layer}.mlp.fc2.weight`, [d, spec.intermediate]);
    same(`${layer}.mlp.fc2.bias`, [d]);
  }
  same('text_model.final_layer_norm.weight', [d]);
  same('text_model.final_layer_norm.bias', [d]);
  return list;
}

/**
 * open_clip's text tower: `keptLayers` of the stored layers feed diffusers (SD 2.x keeps all but
 * the last); `projection` is SDXL's text_projection width (stored [width, projection]).
 */
export function openClipTensors(prefix: string, spec: TextSpec, options: { keptLayers: number; projection?: number }): StoredTensor[] {
  const list: StoredTensor[] = [];
  const d = spec.width;
  const push = (key: string, shape: number[], diffusers: string | null, diffusersShape = shape) => {
    list.push({ key: prefix + key, shape, parts: diffusers === null ? [] : [{ diffusers, shape: diffusersShape }], ...(diffusers === null ? { ignored: true } : {}) });
  };
  push('token_embedding.weight', [spec.vocab, d], 'text_model.embeddings.token_embedding.weight');
  push('positional_embedding', [spec.positions, d], 'text_model.embeddings.position_embedding.weight');
  for (let l = 0; l < spec.layers; l++) {
    const kept = l < options.keptLayers;
    const layer = `text_model.encoder.layers.${l}`;
    const name = (diffusers: string) => (kept ? `${layer}.${diffusers}` : null);
    const stored = `transformer.resblocks.${l}`;
    for (const [leaf, shape] of [['weight', [d, d]], ['bias', [d]]] as const) {
      const fused = { key: `${prefix}${stored}.attn.in_proj_${leaf}`, shape: [3 * d, ...shape.slice(1)] };
      const parts = kept ? ['q_proj', 'k_proj', 'v_proj'].map((p) => ({ diffusers: `${layer}.self_attn.${p}.${leaf}`, shape: [...shape] })) : [];
      list.push({ ...fused, parts, ...(kept ? {} : { ignored: true }) });
      push(`${stored}.attn.out_proj.${leaf}`, [...shape], name(`self_attn.out_proj.${leaf}`));
    }
    for (const [ldm, diffusers] of [['ln_1', 'layer_norm1'], ['ln_2', 'layer_norm2']]) {
      push(`${stored}.${ldm}.weight`, [d], name(`${diffusers}.weight`));
      push(`${stored}.${ldm}.bias`, [d], name(`${diffusers}.bias`));
    }
    push(`${stored}.mlp.c_fc.weight`, [spec.intermediate, d], name('mlp.fc1.weight'));
    push(`${stored}.mlp.c_fc.bias`, [spec.intermediate], name('mlp.fc1.bias'));
    push(`${stored}.mlp.c_proj.weight`, [d, spec.intermediate], name('mlp.fc2.weight'));
    push(`${stored}.mlp.c_proj.bias`, [d], name('mlp.fc2.bias'));
  }
  push('ln_final.weight', [d], 'text_model.final_layer_norm.weight');
  push('ln_final.bias', [d], 'text_model.final_layer_norm.bias');
  if (options.projection !== undefined) {
    list.push({ key: `${prefix}text_projection`, shape: [d, options.projection], parts: [{ diffusers: 'text_projection.weight', shape: [options.projection, d] }], transpose: true });
  } else {
    push('text_projection', [d, d], null);
  }
  return list;
}
