# The runtime's sources: the one list every build of a bootstrap reads (issue 18).
# Included by runtime/CMakeLists.txt (the in-tree leec_rt and bootstrap) and by
# cmake/LeecKit.cmake, which builds the prebuilt per-architecture kit that `leec package`
# and the installed leec_add_bootstrap() link (its manifest, bootstrap.txt, is written
# from LEEC_RT_TABLE_SOURCES below). Listed by folder (curl's lib/Makefile.inc idea, no
# GLOB): a new file is a line here.
#
# LEEC_RT_<ROOM>: the sources that never see the generated tables; they go into leec_rt
# (a static library: a feature's intent file is linked only when core/bind.c names it).
set(LEEC_RT_CORE app.c credentials.c gateway.c ha_breaker.c health.c probe.c metrics.c shed.c rapi.c
    settings.c envparse.c)
set(LEEC_RT_BASE log.c linewriter.c redact.c emf.c clock.c memstat.c jsonguard.c dynbuf.c secret.c utf8.c)
set(LEEC_RT_GUARD breaker.c cache.c ratelimit.c)
set(LEEC_RT_NET ha_client.c ssm.c)
set(LEEC_RT_SMARTHOME handler.c directive.c proxy.c discovery.c endpoint_check.c alexa_error.c)
set(LEEC_RT_CUSTOM handler.c request.c dispatch.c pending.c speech.c ha.c fuzzy.c lang.c
    intent_automation.c intent_helpers.c intent_areas.c intent_notify.c intent_timers.c
    intent_conversation.c)
set(LEEC_RT_RE2C custom/duration_lex.re)
set(LEEC_RT_ROOMS CORE BASE GUARD NET SMARTHOME CUSTOM)
# The sources compiled with each project's tables (leec_config.h): core/bind.c is their
# one reader (abi.h); main.c is the process entry. Everything else is prebuilt.
set(LEEC_RT_TABLE_SOURCES main.c core/bind.c)
# What `leec compile` writes that is compiled into the bootstrap: the tables and the
# project's Custom-skill answers (leec_messages.c, its languages only).
set(LEEC_RT_GENERATED_TABLES leec_config.c leec_messages.c)
