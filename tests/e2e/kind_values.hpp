#pragma once

// Internal to the kind helpers (provider_kinds.cpp, kind_wire.cpp): the
// account values and canary secrets the kind configs use.

namespace e2e::kinds {

// Account values (not secret) and canary secrets, distinct per kind.
inline constexpr const char* k_twilio_sid =
    "AC00112233445566778899aabbccddeeff";
inline constexpr const char* k_twilio_token =
    "cnryTwilioTok3n9Qz7vW2xK4mP6rS8tU";
inline constexpr const char* k_vonage_key = "e2ekey01";
inline constexpr const char* k_vonage_secret = "cnryVonageS3cret5Lx";
inline constexpr const char* k_plivo_id = "MAE2ETESTAUTHID00001";
inline constexpr const char* k_plivo_token = "cnryPlivoTok3nR8dW1qZ6yH0";
inline constexpr const char* k_telnyx_key = "KEYcnryTelnyx4Jf8Gq2Lm7Np";
inline constexpr const char* k_sinch_plan = "e2eplan0123456789";
inline constexpr const char* k_sinch_token = "cnrySinchTok3n6Vb3Xc9";
inline constexpr const char* k_bird_key = "cnryBirdAcc3ssK7Yh5Tg";
inline constexpr const char* k_clicksend_user = "e2euser";
inline constexpr const char* k_clicksend_key = "cnryClickSendK3y2Wq8Er";
inline constexpr const char* k_aws_key_id = "AKIACNRYE2E000000001";
inline constexpr const char* k_aws_secret = "cnryAwsS3cretK3y0Pl4Mk9Nj";
inline constexpr const char* k_aws_session = "cnryAwsSessi0nTok3nUi7Yt";
inline constexpr const char* k_http_secret = "cnryHttpGw5ecret1Aq2Ws";
inline constexpr const char* k_sender = "+15017122661";

} // namespace e2e::kinds
