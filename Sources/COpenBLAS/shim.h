#include <cblas.h>
// Thread control of OpenBLAS: our own parallel loops call BLAS with one thread to avoid nesting.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
// LAPACK (shipped inside OpenBLAS): Cholesky solve of a symmetric positive definite system.
void dposv_(const char *uplo, const int *n, const int *nrhs, double *a, const int *lda, double *b, const int *ldb, int *info);
// glibc's allocator settings (mallopt), used by Tensors.AllocatorTuning next to BLAS: not OpenBLAS, but the
// same hot path, and this is the project's one C module.
#include <malloc.h>
