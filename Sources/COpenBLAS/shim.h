#include <cblas.h>
// Thread control of OpenBLAS: our own parallel loops call BLAS with one thread to avoid nesting.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
