/**
 * MASK values: ComfyUI's masks, a batch of single-channel planes [B, H, W] of float32, 1 where a
 * region applies and 0 where it does not (ConditioningSetMask reads them; SolidMask and ImageToMask
 * make them).
 */
export interface MaskBatch {
  readonly batch: number;
  readonly height: number;
  readonly width: number;
  /** B·H·W values, plane after plane. */
  readonly values: Float32Array;
}

declare module '../engine/socket-values.js' {
  interface SocketValueMap {
    MASK: MaskBatch;
  }
}
