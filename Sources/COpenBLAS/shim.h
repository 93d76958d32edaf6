#include <cblas.h>
// Thread control of OpenBLAS: our own parallel loops call BLAS with one thread to avoid nesting.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
// Stops OpenBLAS's thread pool; the next call starts it again from the calling thread (which the new threads
// inherit their floating-point control register from).
int blas_thread_shutdown_(void);
// The kernel set OpenBLAS chose when it loaded ("SkylakeX", "Haswell", "Prescott", …).
char *openblas_get_corename(void);
// Flush-to-zero and denormals-are-zero on the calling thread (SSE control register bits 15 and 6): a GEMM on
// denormal inputs runs ~165× slower on x86.
#include <xmmintrin.h>
static inline void w2s_flush_denormals(void) { _mm_setcsr(_mm_getcsr() | 0x8040); }
// LAPACK (shipped inside OpenBLAS): Cholesky solve of a symmetric positive definite system.
void dposv_(const char *uplo, const int *n, const int *nrhs, double *a, const int *lda, double *b, const int *ldb, int *info);
// glibc's allocator settings (mallopt), used by Tensors.AllocatorTuning next to BLAS: not OpenBLAS, but the
// same hot path, and this is the project's one C module.
#include <malloc.h>
