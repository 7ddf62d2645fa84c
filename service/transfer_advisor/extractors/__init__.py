"""The ONNX runtime side of feature extractors: sessions, batching, tokenisation, bundled."""
