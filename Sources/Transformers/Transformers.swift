// Transformers module
