namespace Agora.Web.Features.Language;

/// <summary>The Korean of the console's notification templates, API keys and signing keys pages.</summary>
internal static partial class KoreanText
{
    /// <summary>Adds <see cref="ConsoleOps"/> to <see cref="Table"/> (filled by its initializer before this runs); an entry already there stays.</summary>
    static KoreanText()
    {
        var table = (Dictionary<string, string>)Table;
        foreach (var (english, korean) in ConsoleOps)
        {
            table.TryAdd(english, korean);
        }
    }

    private static readonly Dictionary<string, string> ConsoleOps = new(StringComparer.Ordinal)
    {
        // Navigation and the overview.
        ["Operations console"] = "운영 콘솔",
        ["Notification templates"] = "알림 템플릿",
        ["API keys"] = "API 키",
        ["Signing keys"] = "서명 키",
        ["what Notification sends for each order event; edit one and preview it in Korean and English before saving."] =
            "주문 이벤트마다 Notification이 보내는 내용입니다. 저장하기 전에 한국어와 영어로 미리 보며 편집하세요.",
        ["partners' keys; create one (shown once) or revoke one."] = "파트너의 키입니다. 새로 만들거나(한 번만 표시) 폐기하세요.",
        ["the keys Identity signs tokens with, their states and dates; rotate now."] = "Identity가 토큰에 서명하는 키와 그 상태, 날짜입니다. 지금 교체할 수 있습니다.",

        // Notification templates.
        ["The emails, text messages and push notifications Notification sends for each order event, in Korean and English. Open one to edit it and preview it in both languages before saving."] =
            "주문 이벤트마다 Notification이 보내는 이메일, 문자 메시지, 푸시 알림(한국어와 영어)입니다. 하나를 열어 편집하고, 저장하기 전에 두 언어로 미리 보세요.",
        ["Notification could not list its templates: {0} ({1})"] = "Notification이 템플릿 목록을 가져오지 못했습니다: {0} ({1})",
        ["There are no templates: notifications use the built-in fallback."] = "템플릿이 없습니다. 알림은 기본 내용으로 보내집니다.",
        ["{0} templates, by event, channel and language"] = "템플릿 {0}개, 이벤트·채널·언어 순",
        ["Event"] = "이벤트",
        ["Channel"] = "채널",
        ["Language"] = "언어",
        ["Subject"] = "제목",
        ["Last changed"] = "마지막 변경",
        ["Edit"] = "편집",
        ["Edit {0} {1} {2}"] = "{0} {1} {2} 편집",
        ["Edit template"] = "템플릿 편집",
        ["All templates"] = "모든 템플릿",
        ["Placeholders"] = "자리 표시자",
        ["Saved: Notification sends this template from now on."] = "저장했습니다. 이제부터 Notification이 이 템플릿으로 보냅니다.",
        ["The email subject or the push title; leave it empty for SMS."] = "이메일 제목 또는 푸시 알림 제목입니다. SMS는 비워 두세요.",
        ["Body"] = "본문",
        ["HTML for email, plain text for SMS and push. Placeholders are written {{name}}."] =
            "이메일은 HTML, SMS와 푸시는 일반 텍스트입니다. 자리 표시자는 {{name}}처럼 씁니다.",
        ["Preview in Korean and English"] = "한국어와 영어로 미리 보기",
        ["Save"] = "저장",
        ["Preview"] = "미리 보기",
        ["The draft filled with a sample order, as a Korean and an English customer would receive it. Nothing is saved yet."] =
            "예시 주문으로 채운 초안입니다. 한국어 고객과 영어 고객이 받게 될 모습이며, 아직 아무것도 저장되지 않았습니다.",
        ["There is no such template: it was removed, or never there."] = "그런 템플릿은 없습니다. 삭제되었거나 처음부터 없었습니다.",
        ["Notification could not read the template: {0} ({1})"] = "Notification이 템플릿을 읽지 못했습니다: {0} ({1})",
        ["Korean"] = "한국어",
        ["English"] = "영어",
        ["As text"] = "텍스트로 보기",
        ["The HTML as sent"] = "보내지는 HTML",
        ["Notification refused the draft; nothing was saved:"] = "Notification이 초안을 거부했습니다. 아무것도 저장되지 않았습니다:",
        ["Someone saved this template after you opened it, so your draft was not saved. Copy your changes, then reload the page to edit their version."] =
            "이 템플릿을 연 뒤에 다른 사람이 저장했기 때문에 초안은 저장되지 않았습니다. 변경 내용을 복사한 뒤 페이지를 새로 고쳐 그 버전을 편집하세요.",
        ["Notification refused: your sign-in no longer carries the staff role and scope. Sign in again."] =
            "Notification이 거부했습니다. 로그인에 더 이상 직원 역할과 범위가 없습니다. 다시 로그인하세요.",
        ["Notification could not take the draft now: {0} ({1})"] = "Notification이 지금은 초안을 받을 수 없습니다: {0} ({1})",

        // API keys.
        ["Partners call the API with a key in the X-API-Key header. Identity keeps only each key's hash; a revoked key is refused at the gateway within its cache time (30 seconds at most)."] =
            "파트너는 X-API-Key 헤더에 키를 넣어 API를 호출합니다. Identity는 각 키의 해시만 보관하며, 폐기된 키는 캐시 시간(최대 30초) 안에 게이트웨이에서 거부됩니다.",
        ["Key {0} is revoked: the gateway refuses it from now on."] = "키 {0}을(를) 폐기했습니다. 이제부터 게이트웨이가 거부합니다.",
        ["There is no key {0}."] = "키 {0}은(는) 없습니다.",
        ["Identity refused: your sign-in no longer carries the staff role and scope. Sign in again."] =
            "Identity가 거부했습니다. 로그인에 더 이상 직원 역할과 범위가 없습니다. 다시 로그인하세요.",
        ["Identity could not revoke key {0} now; try again in a moment."] = "Identity가 지금은 키 {0}을(를) 폐기하지 못했습니다. 잠시 후 다시 시도하세요.",
        ["New key {0}"] = "새 키 {0}",
        ["Copy this key now: it is shown this once only."] = "지금 이 키를 복사하세요. 단 한 번만 표시됩니다.",
        ["Agora keeps only its hash and cannot show it again; if it is lost, create another and revoke this one."] =
            "Agora는 해시만 보관하므로 다시 보여 줄 수 없습니다. 잃어버리면 새 키를 만들고 이 키를 폐기하세요.",
        ["The key"] = "키",
        ["Its id is {0}; scopes: {1}."] = "ID는 {0}, 범위는 {1}입니다.",
        ["Create a key"] = "키 만들기",
        ["Identity did not create the key: {0} ({1})"] = "Identity가 키를 만들지 않았습니다: {0} ({1})",
        ["Who the key is for, as staff will recognise it (at most 100 characters)."] = "직원이 알아볼 수 있는 키의 용도(최대 100자)입니다.",
        ["Scopes"] = "범위",
        ["Separated by spaces; one or more of:"] = "공백으로 구분하며, 다음 중 하나 이상입니다:",
        ["Create the key"] = "키 만들기",
        ["Keys"] = "키 목록",
        ["Identity could not list the keys: {0} ({1})"] = "Identity가 키 목록을 가져오지 못했습니다: {0} ({1})",
        ["There are no API keys yet."] = "아직 API 키가 없습니다.",
        ["{0} API keys, newest first (never the key itself)"] = "API 키 {0}개, 최신순(키 자체는 표시하지 않음)",
        ["Prefix"] = "접두사",
        ["Created"] = "생성",
        ["Last used"] = "마지막 사용",
        ["never"] = "없음",
        ["Revoke the key {0} ({1})"] = "키 {0}({1}) 폐기",
        ["Revoke"] = "폐기",
        ["active"] = "사용 중",
        ["revoked"] = "폐기됨",
        ["expired"] = "만료됨",

        // Signing keys.
        ["Identity signs access and ID tokens with its current key. The next key is already published, so services know it before it signs; a retired key stays published until the tokens it signed have expired."] =
            "Identity는 현재 키로 액세스 토큰과 ID 토큰에 서명합니다. 다음 키는 미리 게시되어 서명하기 전에 서비스가 알고 있으며, 퇴역한 키는 그 키로 서명한 토큰이 만료될 때까지 게시됩니다.",
        ["Rotated: the key that was next signs from now on."] = "교체했습니다. 다음 키였던 키가 이제부터 서명합니다.",
        ["Identity could not rotate its keys now; try again in a moment."] = "Identity가 지금은 키를 교체하지 못했습니다. 잠시 후 다시 시도하세요.",
        ["Identity could not list its keys: {0} ({1})"] = "Identity가 키 목록을 가져오지 못했습니다: {0} ({1})",
        ["Rotate"] = "교체",
        ["Rotating makes the next key sign from now on, retires the current one (tokens it signed stay valid until they expire) and publishes a new next key."] =
            "교체하면 다음 키가 지금부터 서명하고, 현재 키는 퇴역하며(그 키로 서명한 토큰은 만료될 때까지 유효), 새 다음 키가 게시됩니다.",
        ["Rotate the signing key now"] = "지금 서명 키 교체",
        ["Signing now:"] = "현재 서명 키:",
        ["(since {0})"] = "({0}부터)",
        ["No key is signing: Identity cannot issue tokens."] = "서명하는 키가 없습니다. Identity가 토큰을 발급할 수 없습니다.",
        ["{0} keys: signing now, next, then retired"] = "키 {0}개: 현재 서명, 다음, 퇴역 순",
        ["Key id"] = "키 ID",
        ["Use"] = "용도",
        ["Leaves the published keys"] = "게시 종료",
        ["encryption"] = "암호화",
        ["signing"] = "서명",
        ["signing now"] = "현재 서명 중",
        ["next (published, not signing yet)"] = "다음(게시됨, 아직 서명하지 않음)",
        ["retired (published until its tokens expire)"] = "퇴역(토큰이 만료될 때까지 게시)",
    };
}
