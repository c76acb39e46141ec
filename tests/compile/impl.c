/* The implementation TU; included twice to show that is harmless. */
#define ASYNCRT_IMPLEMENTATION
#include "../../asyncrt.h"
#include "../../asyncrt.h"
