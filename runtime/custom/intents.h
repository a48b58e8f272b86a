/* intents: every intent the Custom skill answers, the runtime's one list (the Redis
 * commands.def model): X(ID, "Name", feature, needs_token, handler).
 *   ID       the intent's name as a C identifier ('.' → '_')
 *   feature  the leec feature that compiles it in (none: always built in)
 *   handler  a built-in handler of dispatch.c; NULL: the feature's (custom/intent_<f>.c)
 * leec checks it against presets/skill/intents.yaml when it writes a project's tables
 * (leec_messages.c): an intent there without a row here, a row here without an intent
 * there, or a different feature is a compile error of the bootstrap. */
#ifndef LEEC_CUSTOM_INTENTS_LIST_H
#define LEEC_CUSTOM_INTENTS_LIST_H

#define CS_INTENTS(X)                                                                       \
    X(TriggerAutomationIntent, "TriggerAutomationIntent", automation, true, NULL)           \
    X(ListAutomationsIntent, "ListAutomationsIntent", automation, true, NULL)               \
    X(RunScriptIntent, "RunScriptIntent", scripts, true, NULL)                              \
    X(ListScriptsIntent, "ListScriptsIntent", scripts, true, NULL)                          \
    X(SetInputHelperIntent, "SetInputHelperIntent", input_helpers, true, NULL)              \
    X(GetInputHelperIntent, "GetInputHelperIntent", input_helpers, true, NULL)              \
    X(MakeAnnouncementIntent, "MakeAnnouncementIntent", notifications, true, NULL)          \
    X(SendNotificationIntent, "SendNotificationIntent", notifications, true, NULL)          \
    X(AreaControlIntent, "AreaControlIntent", areas, true, NULL)                            \
    X(StartTimerIntent, "StartTimerIntent", timers, true, NULL)                             \
    X(PauseTimerIntent, "PauseTimerIntent", timers, true, NULL)                             \
    X(CancelTimerIntent, "CancelTimerIntent", timers, true, NULL)                           \
    X(TimerStatusIntent, "TimerStatusIntent", timers, true, NULL)                           \
    X(ConversationIntent, "ConversationIntent", conversation, true, NULL)                   \
    X(HomeAssistantStatusIntent, "HomeAssistantStatusIntent", none, true, h_status)         \
    X(SelectIntent, "SelectIntent", none, true, h_select)                                   \
    X(AMAZON_HelpIntent, "AMAZON.HelpIntent", none, false, h_help)                          \
    X(AMAZON_CancelIntent, "AMAZON.CancelIntent", none, false, h_stop)                      \
    X(AMAZON_StopIntent, "AMAZON.StopIntent", none, false, h_stop)                          \
    X(AMAZON_NavigateHomeIntent, "AMAZON.NavigateHomeIntent", none, false, h_navigate_home) \
    X(AMAZON_FallbackIntent, "AMAZON.FallbackIntent", none, false, h_fallback)              \
    X(AMAZON_YesIntent, "AMAZON.YesIntent", none, true, h_yes)                              \
    X(AMAZON_NoIntent, "AMAZON.NoIntent", none, false, h_no)

#endif
