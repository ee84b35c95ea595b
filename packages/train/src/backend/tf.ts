/**
 * The one place @mlp/train imports TensorFlow.js from: tfjs-core (tensors, ops, io, optimizers) and
 * tfjs-layers (models and layers), never the `@tensorflow/tfjs` umbrella, so the browser-only
 * backends (webgl, webgpu) are not pulled in. Backends register through `selectBackend`.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export type { Scalar, Tensor, Tensor2D } from '@tensorflow/tfjs-core';
export type { LayersModel } from '@tensorflow/tfjs-layers';
export { tf, tfl };
