//! The logout indexes: which entries point at a session, which sessions a back-channel logout removes, and
//! what a listing of a user's sessions shows.
//!
//! Each session has an entry in its subject's index and one in its IdP session's index, and each entry holds
//! the tag of the other index: `<issuer tag>.<other index's tag>.<id>`. A store that finds a session through
//! one index can therefore name its entry in the other, and declare every key it touches up front.

use super::*;

/// The issuer's tag in a member is cut to this many characters (48 bits, keyed: enough to tell a deployment's
/// issuers apart), so that a member with an SDK session id is 64 bytes: the size up to which Redis keeps a
/// small sorted set compact (a listpack, a fraction of the memory of its skiplist form).
pub const ISSUER_MEMBER_CHARS: usize = 8;
/// The longest index member: two whole tags (as entries first had them), two separators and an id.
pub const MAX_MEMBER_BYTES: usize = 2 * TAG_CHARS + 2 + MAX_ID_BYTES;

impl StoreCipher {
    /// The entries of a session under secret `key_index`: one in its subject's index, holding its IdP
    /// session's tag, and one in its IdP session's index, holding its subject's tag; each also holds the
    /// issuer's tag (empty when unknown) and the id. Each index thus names its twin, so removing a session
    /// from one index finds it in the other.
    pub(super) fn entries(
        &self,
        key_index: usize,
        id: &str,
        facts: &SessionFacts,
    ) -> Result<Vec<IndexEntry>> {
        let key = &self.index_keys[key_index];
        let tag_of = |kind, value: &Option<String>| -> Result<Option<String>> {
            value
                .as_deref()
                .map(|v| check_tagged_len(v.len()).map(|()| tag(key, kind, v)))
                .transpose()
        };
        let sub = tag_of(TagKind::Subject, &facts.sub)?;
        let sid = tag_of(TagKind::SessionId, &facts.sid)?;
        let mut issuer = tag_of(TagKind::Issuer, &facts.issuer)?.unwrap_or_default();
        issuer.truncate(ISSUER_MEMBER_CHARS);
        let mut entries = Vec::with_capacity(2);
        for (kind, own, other) in [
            (TagKind::Subject, &sub, &sid),
            (TagKind::SessionId, &sid, &sub),
        ] {
            if let Some(own) = own {
                entries.push(IndexEntry {
                    kind,
                    tag: own.clone(),
                    member: member(&issuer, other.as_deref().unwrap_or(""), id),
                });
            }
        }
        Ok(entries)
    }

    /// The index a back-channel logout reads (OIDC Back-Channel Logout 1.0, 2.4), with its tag under each
    /// secret: with a `sid`, that IdP session's; with only a `sub`, the user's. `None` when the token has
    /// neither.
    pub fn logout_index(&self, claims: &LogoutClaims) -> Result<Option<(TagKind, Vec<String>)>> {
        Ok(match (&claims.sid, &claims.sub) {
            (Some(sid), _) => Some((
                TagKind::SessionId,
                self.index_tags(TagKind::SessionId, sid)?,
            )),
            (None, Some(sub)) => Some((TagKind::Subject, self.index_tags(TagKind::Subject, sub)?)),
            (None, None) => None,
        })
    }

    /// The sessions a logout removes among `members`, read from its index's tag under secret `key_index`:
    /// with a `sub` beside the `sid`, only that subject's; with an `iss`, only that issuer's (a session of
    /// unknown issuer matches any).
    pub fn logout_targets(
        &self,
        claims: &LogoutClaims,
        key_index: usize,
        members: &[String],
    ) -> Result<Vec<Target>> {
        let key = self.index_keys.get(key_index).ok_or_else(|| {
            invalid_arg_value(format!(
                "keyIndex must name one of the {} secrets",
                self.index_keys.len()
            ))
        })?;
        let Some((kind, tags)) = self.logout_index(claims)? else {
            return Ok(Vec::new());
        };
        let issuer = (claims.iss.as_deref())
            .and_then(normalize_issuer)
            .map(|iss| tag(key, TagKind::Issuer, iss));
        let subject = match (&claims.sid, &claims.sub) {
            (Some(_), Some(sub)) => Some(tag(key, TagKind::Subject, sub)),
            _ => None,
        };
        let wanted = |parts: &MemberParts| {
            issuer
                .as_ref()
                .is_none_or(|want| parts.issuer.is_empty() || want.starts_with(parts.issuer))
                && subject.as_ref().is_none_or(|want| parts.other == want)
        };
        targets(kind, &tags[key_index], members, wanted)
    }

    /// Every session `members` of the index `kind`/`tag` point at, with all its entries: what a store
    /// reads to list the sessions or to drop the entries of sessions that are gone.
    pub fn linked(&self, kind: TagKind, tag: &str, members: &[String]) -> Result<Vec<Target>> {
        targets(kind, tag, members, |_| true)
    }

    /// What a listing of `sub`'s sessions shows of the values read for `ids`: each one that opens for its
    /// id at `now` and belongs to `sub`, once, most recently written first. Never the id (it is a bearer
    /// credential) nor anything else of the session.
    pub fn list(
        &self,
        sub: &str,
        found: &[(String, String)],
        now: f64,
    ) -> Result<Vec<ListedSession>> {
        check_batch(found.len())?;
        let now = finite_now(now)?;
        let mut seen = std::collections::HashSet::new();
        let mut listed: Vec<ListedSession> = found
            .iter()
            .filter(|(id, _)| seen.insert(id.as_str()))
            .filter_map(|(id, value)| self.open(id, value, now).ok())
            .filter_map(|opened| {
                let facts = SessionFacts::read(&opened.session);
                (facts.sub.as_deref() == Some(sub)).then_some(ListedSession {
                    sid: facts.sid,
                    created_at: facts.created_at,
                    expires_at: opened.expires_at,
                    updated_at: opened.written_at,
                })
            })
            .collect();
        let order =
            |s: &ListedSession| (s.updated_at.or(s.created_at).unwrap_or(0.0), s.expires_at);
        listed.sort_by(|a, b| {
            order(b)
                .partial_cmp(&order(a))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        Ok(listed)
    }
}

/// One entry of a logout index: in the index of `kind` with `tag`, the member `member`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    /// `Subject` (the sessions of one `sub`) or `SessionId` (the sessions of one IdP `sid`).
    pub kind: TagKind,
    /// The index's tag: a keyed hash of the `sub` or `sid`.
    pub tag: String,
    /// `<issuer tag, cut>.<the other index's tag>.<id>`.
    pub member: String,
}

/// A session an index points at, and every entry that points at it (the one it was found through first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The session id.
    pub id: String,
    /// Its entries: the one read, then its twin (two spellings of it for entries written before twins).
    pub entries: Vec<IndexEntry>,
}

/// The claims the SDK passes from a verified logout token; empty strings are absent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogoutClaims {
    /// The subject, `sub`.
    pub sub: Option<String>,
    /// The IdP session, `sid`.
    pub sid: Option<String>,
    /// The issuer, `iss`.
    pub iss: Option<String>,
}

/// One of a user's sessions as a listing shows it: nothing that would let anyone use it.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedSession {
    /// `internal.sid`: what `deleteByLogoutToken({ sub, sid })` takes to end it.
    pub sid: Option<String>,
    /// `internal.createdAt`: when the user signed in.
    pub created_at: Option<f64>,
    /// When it ends unless written again.
    pub expires_at: f64,
    /// When it was last written (sign-in, rolling, token refresh).
    pub updated_at: Option<f64>,
}

fn member(issuer: &str, other: &str, id: &str) -> String {
    [issuer, other, id].join(&MEMBER_SEPARATOR.to_string())
}

struct MemberParts<'a> {
    issuer: &'a str,
    other: &'a str,
    id: &'a str,
}

/// A member this store wrote: an issuer's tag (cut, whole as entries first had it, or empty), the other index's
/// tag (or empty) and an id.
fn parse_member(member: &str) -> Option<MemberParts<'_>> {
    let (issuer, rest) = member.split_once(MEMBER_SEPARATOR)?;
    let (other, id) = rest.split_once(MEMBER_SEPARATOR)?;
    let is_tag = |t: &str, lengths: &[usize]| {
        t.is_empty()
            || (lengths.contains(&t.len())
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    };
    let tags = is_tag(issuer, &[ISSUER_MEMBER_CHARS, TAG_CHARS]) && is_tag(other, &[TAG_CHARS]);
    (tags && check_id_len(id.len()).is_ok()).then_some(MemberParts { issuer, other, id })
}

/// The sessions `members` of the index `kind`/`tag` point at, those `wanted`, with their twin entries.
fn targets(
    kind: TagKind,
    tag: &str,
    members: &[String],
    wanted: impl Fn(&MemberParts) -> bool,
) -> Result<Vec<Target>> {
    check_batch(members.len())?;
    Ok(members
        .iter()
        .filter_map(|m| {
            parse_member(m)
                .filter(|parts| wanted(parts))
                .map(|parts| (m, parts))
        })
        .map(|(m, parts)| {
            let found = IndexEntry {
                kind,
                tag: tag.to_owned(),
                member: m.clone(),
            };
            let mut entries = vec![found];
            let twin = |kind, member| IndexEntry {
                kind,
                tag: parts.other.to_owned(),
                member,
            };
            let own = member(parts.issuer, tag, parts.id);
            match kind {
                // A subject entry holding its own tag was written before entries named their twins.
                TagKind::Subject if !parts.other.is_empty() && parts.other != tag => {
                    entries.push(twin(TagKind::SessionId, own));
                }
                TagKind::SessionId if !parts.other.is_empty() => {
                    entries.push(twin(TagKind::Subject, own));
                    entries.push(twin(TagKind::Subject, m.clone()));
                }
                _ => {}
            }
            Target {
                id: parts.id.to_owned(),
                entries,
            }
        })
        .collect())
}

/// Batches (members, listed values) are refused past `MAX_BATCH`, before any work.
pub fn check_batch(len: usize) -> Result<()> {
    if len > MAX_BATCH {
        return Err(input_too_large(format!(
            "{len} items are over the {MAX_BATCH}-item limit of one call"
        )));
    }
    Ok(())
}
