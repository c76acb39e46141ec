#include <stdio.h>
#include "../../asyncrt.h"

#ifdef __cplusplus
extern "C"
#endif
int compile_test_user(void);

int main(void) {
    printf("%s\n", asy_version_string());
    return compile_test_user();
}
