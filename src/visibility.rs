//! The reader's visibility settings: which provisions a reader has turned off,
//! applied by the engine to annotations and lookups alike.
//!
//! A provision is hidden when its platform is off, or when it has topics and
//! every one of them is off (a provision without topics follows its platform).

use serde::Deserialize;

/// Platforms and topics the reader turned off, and whether detections are off
/// (`{ platformsOff, topicsOff, detectionsOff }`, fields of the extension's
/// settings). The default hides nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct Visibility {
    /// Platform ids turned off.
    pub platforms_off: Vec<String>,
    /// Topic ids turned off.
    pub topics_off: Vec<String>,
    /// No detections at all (clause categories of passages termlens does not
    /// know); the topics off apply to detections too.
    pub detections_off: bool,
}

impl Visibility {
    /// Whether a provision of `platform` with `topics` (ids) is shown.
    pub fn shows(&self, platform: &str, topics: &[String]) -> bool {
        !self.platforms_off.iter().any(|p| p == platform)
            && (topics.is_empty() || topics.iter().any(|t| !self.topics_off.contains(t)))
    }

    /// Whether a detection of `topic` is shown.
    pub fn shows_detected(&self, topic: &str) -> bool {
        !self.detections_off && !self.topics_off.iter().any(|t| t == topic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_provision_is_hidden_by_its_platform_or_by_all_of_its_topics() {
        let v = Visibility {
            platforms_off: ids(&["aws"]),
            topics_off: ids(&["training", "liability"]),
            detections_off: false,
        };
        assert!(!v.shows("aws", &ids(&["ip-ownership"])));
        assert!(!v.shows("openai", &ids(&["training"])));
        assert!(!v.shows("openai", &ids(&["training", "liability"])));
        assert!(v.shows("openai", &ids(&["training", "ip-ownership"])));
        assert!(v.shows("openai", &[]));
        assert!(!v.shows("aws", &[]));
        assert!(Visibility::default().shows("aws", &ids(&["training"])));
        assert!(!v.shows_detected("training"));
        assert!(v.shows_detected("governing-law"));
        let off = Visibility {
            detections_off: true,
            ..Visibility::default()
        };
        assert!(!off.shows_detected("governing-law"));
        assert!(off.shows("aws", &[]));
    }

    #[test]
    fn settings_read_from_json_name_a_bad_field() {
        let read = |s: &str| serde_json::from_str::<Visibility>(s);
        assert_eq!(
            read(r#"{"platformsOff": ["aws"]}"#).ok(),
            Some(Visibility {
                platforms_off: ids(&["aws"]),
                topics_off: Vec::new(),
                detections_off: false,
            })
        );
        let e = read(r#"{"platformOff": []}"#).err().map(|e| e.to_string());
        assert!(e.is_some_and(|e| e.contains("platformOff")));
        assert!(read(r#"{"topicsOff": "training"}"#).is_err());
    }
}
