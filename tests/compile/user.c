/* A user TU: declarations only. */
#include "../../asyncrt.h"
#include "../../asyncrt.h"

#ifdef __cplusplus
extern "C"
#endif
int compile_test_user(void);

int compile_test_user(void) {
    return asy_version() == ASYNCRT_VERSION_HEX && asy_err_name(ASY_ENOENT)[0] == 'E' ? 0 : 1;
}
