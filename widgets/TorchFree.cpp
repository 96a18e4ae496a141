// The widgets compile without LibTorch on their include path: core keeps Torch PRIVATE and
// exposes only torch-free headers upward, so the GUI builds fast and never sees a tensor.
// If this fails, a core target made Torch PUBLIC or a widget links a torch-exposing target.
#if __has_include(<torch/torch.h>)
#error "LibTorch is on the widgets' include path; keep Torch PRIVATE in core/CMakeLists.txt"
#endif
