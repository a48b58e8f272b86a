/* abi: the one place the runtime includes the generated tables, and checks that
 * they were generated for this runtime's ABI. */
#ifndef LEEC_ABI_H
#define LEEC_ABI_H

#include "leec_config.h"

#define LEEC_RUNTIME_ABI 1
#if !defined(LEEC_ABI_VERSION) || LEEC_ABI_VERSION != LEEC_RUNTIME_ABI
#error "leec_config.h was generated for another runtime ABI: rerun leec compile"
#endif

#endif
