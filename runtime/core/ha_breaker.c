/* ha_breaker: see ha_breaker.h. */
#include "core/ha_breaker.h"

enum breaker_outcome ha_breaker_outcome(const struct ha_result *res)
{
    switch (res->outcome) {
    case HA_OK:
    case HA_REPLY_TOO_LARGE:
        return BREAKER_SUCCESS;
    case HA_HTTP_ERROR:
        return res->http_status >= 500   ? BREAKER_HTTP_5XX
               : res->http_status >= 400 ? BREAKER_HTTP_4XX
                                         : BREAKER_TRANSPORT_ERROR;
    case HA_TIMEOUT:
        return BREAKER_TIMEOUT;
    case HA_DNS_FAILED:
    case HA_CONNECT_FAILED:
    case HA_TLS_FAILED:
    case HA_RESET:
        return BREAKER_TRANSPORT_ERROR;
    case HA_INVALID:
        break;
    }
    return BREAKER_NOT_CALLED;
}
