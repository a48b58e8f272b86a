/* diag_capture: the compiler unit tests' diagnostics, written to a memory stream so that
 * a failing assertion can show them (diag_text()). One fixture for every test file that
 * loads the real catalog (test_resolve, test_skill, test_shape). */
#ifndef LEEC_TEST_DIAG_CAPTURE_H
#define LEEC_TEST_DIAG_CAPTURE_H

#include "front/diag.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

static struct diag *D;
static FILE *Mem;
static char *Out;
static size_t Outlen;

static const char *diag_text(void)
{
    fflush(Mem);
    return Out ? Out : "";
}

static void open_diag(void)
{
    Mem = open_memstream(&Out, &Outlen);
    ck_assert_ptr_nonnull(Mem);
    D = diag_new(DIAG_TEXT, Mem);
}

static void close_diag(void)
{
    diag_free(D);
    fclose(Mem);
    free(Out);
    D = NULL;
    Mem = NULL;
    Out = NULL;
}

#endif
