/* deps/wolfssl-options.h: the configuration of the lean wolfSSL (deps/build-lean.sh builds
 * Debian's wolfssl source package with it; installed as <wolfssl/options.h>, so libcurl and
 * the library are compiled with the same settings). What curl 7.88's wolfSSL backend needs
 * for HTTPS to Home Assistant and AWS, TLS 1.3 and 1.2, nothing else; public-key math is
 * wolfSSL's single-precision (SP) code with assembly for x86_64 and aarch64 (the
 * architecture's macros are added by build-lean.sh): P-256, P-384, RSA 2048/3072/4096 and
 * DH with fixed-size, constant-time code and compiled-in base-point tables, instead of
 * Debian's generic multi-precision build (which also builds a fixed-point cache at run time,
 * FP_ECC). docs/tls.md has the measurements. */
#ifndef WOLFSSL_OPTIONS_H
#define WOLFSSL_OPTIONS_H

#define WOLFSSL_LEEC_LEAN 1

/* threads (libcurl's resolver runs in its own thread) */
#define HAVE_THREAD_LS
#define WC_NO_ASYNC_THREADING

/* protocol: TLS 1.3 and 1.2 */
#define WOLFSSL_TLS13
#define NO_OLD_TLS
#define HAVE_TLS_EXTENSIONS
#define HAVE_SUPPORTED_CURVES
#define HAVE_SNI
#define HAVE_ALPN
#define HAVE_EXTENDED_MASTER
#define HAVE_ENCRYPT_THEN_MAC
#define HAVE_SERVER_RENEGOTIATION_INFO
#define HAVE_SESSION_TICKET
#define HAVE_HKDF
#define HAVE_FFDHE_2048
#define HAVE_DH_DEFAULT_PARAMS
#define NO_PSK

/* certificates: what a verifying client needs (alternative chains as OpenSSL does) */
#define KEEP_PEER_CERT
#define WOLFSSL_ALT_CERT_CHAINS
#define WOLFSSL_ALT_NAMES
#define WOLFSSL_IP_ALT_NAME
#define OPENSSL_EXTRA
#define WOLFSSL_BASE64_ENCODE
/* the verify callback sees every certificate, verified or not (runtime/core/probe.c reports
 * the leaf's subject and expiry), as in Debian's build */
#define WOLFSSL_ALWAYS_VERIFY_CB
#define WOLFSSL_VERIFY_CB_ALL_CERTS

/* algorithms */
#define HAVE_ECC
#define ECC_SHAMIR
#define ECC_TIMING_RESISTANT
#define TFM_TIMING_RESISTANT
#define WC_RSA_BLINDING
#define WC_RSA_PSS
#define WOLFSSL_PSS_LONG_SALT
#define HAVE_CURVE25519
#define HAVE_AESGCM
#define GCM_TABLE_4BIT
#define HAVE_AES_DECRYPT
#define HAVE_CHACHA
#define HAVE_POLY1305
#define HAVE_ONE_TIME_AUTH
#define WOLFSSL_SHA224
#define WOLFSSL_SHA384
#define WOLFSSL_SHA512
#define HAVE_HASHDRBG
#define WOLFSSL_USE_ALIGN
#define NO_DSA
#define NO_RC4
#define NO_MD4
#define NO_DES3
#define WOLFSSL_NO_SHAKE256

/* math: SP */
#define WOLFSSL_SP_MATH_ALL
#define SP_INT_BITS 4096
#define WOLFSSL_HAVE_SP_RSA
#define WOLFSSL_HAVE_SP_DH
#define WOLFSSL_HAVE_SP_ECC
#define WOLFSSL_SP_4096
#define HAVE_ECC384
#define WOLFSSL_SP_384
#define WOLFSSL_SP_LARGE_CODE

#define NO_OLD_RNGNAME
#define NO_OLD_WC_NAMES
#define NO_OLD_SSL_NAMES
#define NO_OLD_SHA_NAMES
#define NO_OLD_MD5_NAME

#endif
