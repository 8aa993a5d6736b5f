// A stand-in libheif.dll for the Wine smoke test (scripts/windows-wine-smoke.sh): it exports the
// functions gen2brain/heic looks up when it finds a libheif.dll, so that heic.Dynamic() reports a
// library, as it would with a real one beside the program. It decodes nothing: the test checks that
// the photo memory budget still treats HEIC as decoded by the built-in WebAssembly libheif
// (store/photo/photomem TestHEICCostCapped), which is what the app uses on Windows.
// Built with: x86_64-w64-mingw32-gcc -shared -O2 -o libheif.dll libheif-stub.c
#define X __declspec(dllexport)
X int heif_get_version_number_major(void) { return 1; }
X int heif_get_version_number_minor(void) { return 16; }
X int heif_check_filetype(const void *d, int n) { (void)d; (void)n; return 0; }
X void *heif_context_alloc(void) { return 0; }
X void heif_context_free(void *c) { (void)c; }
X void *heif_context_read_from_memory_without_copy(void) { return 0; }
X void *heif_context_get_primary_image_handle(void) { return 0; }
X int heif_image_handle_get_width(const void *h) { (void)h; return 0; }
X int heif_image_handle_get_height(const void *h) { (void)h; return 0; }
X int heif_image_handle_is_premultiplied_alpha(const void *h) { (void)h; return 0; }
X void heif_image_handle_release(const void *h) { (void)h; }
X void *heif_decoding_options_alloc(void) { return 0; }
X void heif_decoding_options_free(void *o) { (void)o; }
X void *heif_decode_image(void) { return 0; }
X const void *heif_image_get_plane_readonly(void) { return 0; }
