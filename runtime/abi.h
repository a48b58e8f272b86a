/* abi: the one place the runtime includes the generated tables (core/bind.c
 * only). leec_abi.h owns the fixed types and the runtime's ABI version; the
 * generated leec_config.h includes it and stops the build with #error when it
 * was generated for another ABI. */
#ifndef LEEC_ABI_H
#define LEEC_ABI_H

#include "leec_abi.h"
#include "leec_config.h"

#endif
