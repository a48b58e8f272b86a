/* bootstrap: the Lambda process. Everything it needs is in the compiled tables and
 * a short list of environment variables; it reads no configuration file. */
#include "base/clock.h"
#include "base/log.h"
#include "core/app.h"
#include "core/bind.h"

#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    /* init_ms in health: from here (after exec and the dynamic loader, which only
     * Lambda's Init Duration sees) to the first /next, curl_global_init included. */
    uint64_t t_main_us = clock_mono_us();
    /* libcurl runs with CURLOPT_NOSIGNAL, so it does not ignore SIGPIPE itself, and the TLS
     * library writes with plain send(): a peer that closed the connection (e.g. Home
     * Assistant refusing a TLS client without certificate) must be an EPIPE error of that
     * request, not the death of the process. */
    signal(SIGPIPE, SIG_IGN);
    static struct app app;
    static struct app_config cfg; /* from the compiled tables (core/bind.c) */
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    if (!api || !*api) {
        fputs("bootstrap: AWS_LAMBDA_RUNTIME_API is not set (run under Lambda or "
              "tests/peers/leec_invoke.py)\n",
              stderr);
        return 1;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fputs("bootstrap: libcurl failed to initialise\n", stderr);
        return 1;
    }
    const char *etype = NULL;
    char why[512] = "";
    int init_rc = -1;
    if (bind_app_config(&cfg) != 0) {
        etype = "Runtime.OutOfMemory";
        snprintf(why, sizeof why, "out of memory binding the compiled tables");
    } else {
        init_rc = app_init(&app, &cfg, &etype, why, sizeof why);
    }
    if (rapi_init(&app.rapi, api, (size_t)cfg.max_event) != RAPI_OK) {
        fprintf(stderr, "bootstrap: cannot use AWS_LAMBDA_RUNTIME_API\n");
        return 1;
    }
    if (init_rc != 0) {
        log_emit(LOG_LEVEL_FATAL, "init failed", LOG_STR("error_type", etype), LOG_ERR(etype, why),
                 LOG_END);
        rapi_init_error(&app.rapi, etype, why);
        app_free(&app);
        curl_global_cleanup();
        return 1;
    }
    app.init_us = clock_mono_us() - t_main_us;
    for (;;) {
        struct rapi_invocation inv;
        int rc = RAPI_ETRANSPORT;
        for (int tries = 0; tries <= RAPI_NEXT_RETRIES && rc == RAPI_ETRANSPORT; tries++)
            rc = rapi_next(&app.rapi, &inv);
        if (rc != RAPI_OK) {
            log_emit(LOG_LEVEL_FATAL, "runtime API /next failed",
                     LOG_ERR("Runtime.ApiError", rapi_strerror(rc)), LOG_END);
            break;
        }
        if (app_invoke(&app, &inv) < 0)
            break;
    }
    app_free(&app);
    curl_global_cleanup();
    return 1;
}
