// @mlp/features: entities and feature views in code, point-in-time training sets, an online store.
export {};
