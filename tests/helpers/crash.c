/* A child that dies of a signal (abort: SIGABRT, also under ASan). */
#include <stdlib.h>

int main(void) {
    abort();
}
