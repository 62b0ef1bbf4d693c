//! Which language a call is spoken in. The relay starts in `voice.language`; a caller speaking
//! another language the receptionist answers in (`tenant::LANGUAGES`) switches speech
//! recognition and synthesis to it with ConversationRelay's `language` message, once per change.

use super::VoiceSettings;
use crate::brain::understand::Language;

/// The region each language is spoken in when the tenant's own tag does not say.
const DEFAULT_TAGS: [(Language, &str); 6] = [
    (Language::En, "en-US"),
    (Language::Es, "es-ES"),
    (Language::Fr, "fr-FR"),
    (Language::De, "de-DE"),
    (Language::Pt, "pt-BR"),
    (Language::It, "it-IT"),
];

/// The BCP 47 tag a call in `language` uses: the tenant's own when it is that language
/// (`en-GB` for English), else the language's usual region.
pub fn tag(language: Language, voice: &VoiceSettings) -> String {
    let own = voice.language();
    let own_base = own.split('-').next().unwrap_or(own);
    if own_base.eq_ignore_ascii_case(language.code()) {
        return own.to_owned();
    }
    DEFAULT_TAGS.iter().find(|(l, _)| *l == language).map_or(own, |(_, tag)| tag).to_owned()
}

/// The languages the relay is configured with (TwiML `<Language code>`), the tenant's own first.
pub fn relay_tags(voice: &VoiceSettings) -> Vec<String> {
    let own = voice.language().to_owned();
    let others = DEFAULT_TAGS.iter().map(|(language, _)| tag(*language, voice)).filter(|t| *t != own);
    std::iter::once(own.clone()).chain(others).collect()
}

/// The tag to switch the call to before answering `spoken_in`, when it is not the call's
/// `current` one (`None`: still the TwiML's `voice.language`).
pub fn switch(current: Option<&str>, spoken_in: Language, voice: &VoiceSettings) -> Option<String> {
    let wanted = tag(spoken_in, voice);
    let now = current.unwrap_or(voice.language());
    (!wanted.eq_ignore_ascii_case(now)).then_some(wanted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brain::understand::language_of;

    fn british() -> VoiceSettings {
        VoiceSettings { language: Some("en-GB".into()), ..Default::default() }
    }

    #[test]
    fn a_spanish_caller_switches_the_call_once() {
        let voice = british();
        let spanish = language_of("Hola, ¿el piso de Elm Road sigue disponible?");
        assert_eq!(spanish, Language::Es);
        assert_eq!(switch(None, spanish, &voice).as_deref(), Some("es-ES"));
        assert_eq!(switch(Some("es-ES"), spanish, &voice), None, "already in Spanish: no second message");
        assert_eq!(switch(Some("es-ES"), Language::En, &voice).as_deref(), Some("en-GB"), "back to the tenant's own");
        assert_eq!(switch(None, Language::En, &voice), None);
    }

    #[test]
    fn the_tenants_own_region_is_kept_and_listed_first() {
        let voice = VoiceSettings { language: Some("es-MX".into()), ..Default::default() };
        assert_eq!(tag(Language::Es, &voice), "es-MX");
        assert_eq!(tag(Language::En, &voice), "en-US");
        assert_eq!(relay_tags(&voice), ["es-MX", "en-US", "fr-FR", "de-DE", "pt-BR", "it-IT"]);
        assert_eq!(relay_tags(&british()), ["en-GB", "es-ES", "fr-FR", "de-DE", "pt-BR", "it-IT"]);
        assert_eq!(relay_tags(&VoiceSettings::default())[0], "en-US");
    }
}
