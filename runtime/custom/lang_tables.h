/* lang_tables: the types of the Custom skill's message catalogue and the message enum.
 * The tables themselves are leec's output (leec_messages.c beside leec_config.c, from
 * presets/skill/messages.<language>.yaml, the project's languages only). The enum is the
 * runtime's: one SK_ name per key of messages.en.yaml, in its order; leec_messages.c
 * initialises each by name and asserts the count, so a key added on one side only is a
 * build error. */

#ifndef LEEC_SKILL_LANG_TABLES_H
#define LEEC_SKILL_LANG_TABLES_H

#include <stddef.h>

enum sk_msg {
    SK_HA_UNREACHABLE,
    SK_HA_AUTH,
    SK_HA_REFUSED,
    SK_HA_OTHER,
    SK_RATE_LIMITED,
    SK_NOT_BUILT,
    SK_LINK_ACCOUNT,
    SK_LAUNCH,
    SK_LAUNCH_REPROMPT,
    SK_HELP,
    SK_WHAT_NOW,
    SK_FALLBACK,
    SK_GOODBYE,
    SK_DONE,
    SK_GO_ON,
    SK_WHICH_ONE,
    SK_DID_YOU_MEAN,
    SK_SELECT_NOTHING,
    SK_SELECT_EXPIRED,
    SK_SELECT_OUT_OF_RANGE,
    SK_NO_THANKS,
    SK_NO_ENTITIES_AUTOMATION,
    SK_NO_ENTITIES_SCRIPT,
    SK_NO_ENTITIES_SETTING,
    SK_NO_ENTITIES_TIMER,
    SK_AMBIGUOUS_AUTOMATION,
    SK_AMBIGUOUS_SCRIPT,
    SK_AMBIGUOUS_SETTING,
    SK_AMBIGUOUS_TIMER,
    SK_NOT_FOUND_AUTOMATION,
    SK_NOT_FOUND_SCRIPT,
    SK_NOT_FOUND_SETTING,
    SK_NOT_FOUND_TIMER,
    SK_CLOSEST_AUTOMATION,
    SK_CLOSEST_SCRIPT,
    SK_CLOSEST_SETTING,
    SK_CLOSEST_TIMER,
    SK_WHICH_AUTOMATION,
    SK_WHICH_SCRIPT,
    SK_WHICH_SETTING,
    SK_WHICH_TIMER,
    SK_LIST_NONE_AUTOMATION,
    SK_LIST_NONE_SCRIPT,
    SK_LIST_ONE_AUTOMATION,
    SK_LIST_ONE_SCRIPT,
    SK_LIST_ALL_AUTOMATION,
    SK_LIST_ALL_SCRIPT,
    SK_LIST_FIRST_AUTOMATION,
    SK_LIST_FIRST_SCRIPT,
    SK_TRIGGERED,
    SK_RUNNING,
    SK_RUNNING_WITH,
    SK_SCRIPT_NO_FIELD,
    SK_SCRIPT_NO_FIELDS,
    SK_SCRIPT_NEED_VALUE,
    SK_SET_WHICH_VALUE,
    SK_OPTIONS,
    SK_NOW,
    SK_NEED_NUMBER,
    SK_RANGE,
    SK_STEPS,
    SK_TEXT_LENGTH,
    SK_TEXT_SET,
    SK_ON_OR_OFF,
    SK_STATE_ON,
    SK_STATE_OFF,
    SK_IS,
    SK_IS_UNIT,
    SK_IS_EMPTY,
    SK_WHICH_ROOM,
    SK_ROOM_UNCLEAR,
    SK_AREA_ON_OR_OFF,
    SK_AREA_KINDS,
    SK_AREA_NOTHING,
    SK_AREA_ON,
    SK_AREA_OFF,
    SK_AREA_UNKNOWN,
    SK_AREA_UNKNOWN_NONE,
    SK_KIND_LIGHTS,
    SK_KIND_SWITCHES,
    SK_KIND_FANS,
    SK_KIND_COVERS,
    SK_KIND_MEDIA_PLAYERS,
    SK_KIND_PLURAL_LIGHTS,
    SK_KIND_PLURAL_SWITCHES,
    SK_KIND_PLURAL_FANS,
    SK_KIND_PLURAL_COVERS,
    SK_KIND_PLURAL_MEDIA_PLAYERS,
    SK_KIND_PLURAL_EVERYTHING,
    SK_KIND_EVERYTHING,
    SK_ANNOUNCE_WHAT,
    SK_NO_SPEAKER_IN,
    SK_NO_SPEAKERS,
    SK_NO_TTS,
    SK_ANNOUNCED_IN,
    SK_ANNOUNCED,
    SK_NOTIFY_WHAT,
    SK_NOTIFIED,
    SK_NOTIFY_TITLE,
    SK_HOW_LONG,
    SK_TIMER_TOO_LONG,
    SK_TIMER_BAD_DURATION,
    SK_TIMER_STARTED,
    SK_TIMER_PAUSED,
    SK_TIMER_CANCELLED,
    SK_TIMER_RUNNING_LEFT,
    SK_TIMER_RUNNING,
    SK_TIMER_PAUSED_LEFT,
    SK_TIMER_PAUSED_STATE,
    SK_TIMER_IDLE,
    SK_ASK_WHAT,
    SK_STATUS_VERSION,
    SK_STATUS_RUNNING,
    SK_MSG_COUNT
};

struct sk_word {
    const char *word; /* lower case, single spaces */
    int value;
};

struct sk_lang {
    const char *code;       /* "en", "de", ... */
    const char *const *msg; /* SK_MSG_COUNT templates with {placeholders} */
    const char *list_sep, *and_word, *or_word, *decimal, *percent;
    const char *unit[3][2]; /* hour, minute, second x one, many */
    const char *dur_sep, *dur_last, *dur_zero;
    const struct sk_word *numbers; /* 0..100 */
    size_t nnumbers;
    const char *const *points; /* decimal point words */
    size_t npoints;
    const struct sk_word *ordinals; /* 1..10 */
    size_t nordinals;
    const struct sk_word *bools; /* 1 on, 0 off */
    size_t nbools;
};

/* The compiled-in languages, English first (leec_messages.c). */
extern const struct sk_lang *const sk_langs[];
extern const size_t sk_nlangs;

#endif
