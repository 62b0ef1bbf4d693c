//! Managing a tenant's people from the console or a script (`/api/v1/users`): what a new user
//! must be, who may hand out which role, and the rule that a tenant never loses its last owner
//! (nobody could then manage users, keys or settings). The D1 side is
//! `src/platform/d1/users.rs`, which repeats the last-owner guard inside the write so that two
//! concurrent demotions cannot both pass.

use super::password::MAX_PASSWORD_BYTES;
use super::{normalize_email, Role};

/// Shorter passwords are refused: with lockout after a few wrong tries, 10 characters keep an
/// online guesser far out of reach without asking for rules people work around.
pub const MIN_PASSWORD_CHARS: usize = 10;
const MAX_EMAIL_CHARS: usize = 254;

/// A user as asked for, checked: the email lowercase, the role known, the password usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub email: String,
    pub role: Role,
    pub password: String,
}

/// Every problem with a requested user, as one list (the 400 names them all).
pub fn new_user(email: &str, role: &str, password: &str) -> Result<NewUser, Vec<String>> {
    let mut problems = Vec::new();
    let email = normalize_email(email);
    if let Err(problem) = check_email(&email) {
        problems.push(problem);
    }
    let parsed = Role::parse(role);
    if parsed.is_none() {
        problems.push(format!("role: `{role}` is not one of owner, admin, agent, viewer"));
    }
    if let Err(problem) = check_password(password) {
        problems.push(problem);
    }
    match parsed {
        Some(role) if problems.is_empty() => Ok(NewUser { email, role, password: password.to_owned() }),
        _ => Err(problems),
    }
}

/// A sign-in address: one `@` with something on both sides and a dot in the domain. Nothing
/// is sent to it, so this only catches slips, it does not prove the mailbox.
pub fn check_email(email: &str) -> Result<(), String> {
    let shaped = email.chars().count() <= MAX_EMAIL_CHARS
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && !domain.contains('@') && domain.split('.').filter(|p| !p.is_empty()).count() >= 2
        });
    if shaped {
        Ok(())
    } else {
        Err(format!("email: `{email}` is not an email address"))
    }
}

pub fn check_password(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_CHARS || password.len() > MAX_PASSWORD_BYTES {
        Err(format!("password: {MIN_PASSWORD_CHARS} characters or more (at most {MAX_PASSWORD_BYTES} bytes)"))
    } else {
        Ok(())
    }
}

/// Why a change to a user is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Only an owner makes, changes or removes an owner (an admin could otherwise promote
    /// themself or lock the owner out).
    OwnersOnly,
    /// The change would leave the tenant with no owner.
    LastOwner,
}

impl Refusal {
    pub fn message(&self) -> &'static str {
        match self {
            Refusal::OwnersOnly => "only an owner can create, change or remove an owner",
            Refusal::LastOwner => "the tenant's last owner cannot be removed or demoted: make another owner first",
        }
    }
}

/// Whether `actor` may give a user `new_role` (creating them, `current` = None, or changing
/// them), or remove them (`new_role` = None). `owners` is how many owners the tenant has now.
pub fn may_change(actor: Role, current: Option<Role>, new_role: Option<Role>, owners: u32) -> Result<(), Refusal> {
    let touches_owner = current == Some(Role::Owner) || new_role == Some(Role::Owner);
    if touches_owner && actor != Role::Owner {
        return Err(Refusal::OwnersOnly);
    }
    if current == Some(Role::Owner) && new_role != Some(Role::Owner) && owners <= 1 {
        return Err(Refusal::LastOwner);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_user_is_normalised() {
        let user = new_user(" Sam@Demo.Example ", "agent", "correct horse battery").unwrap();
        assert_eq!(user.email, "sam@demo.example");
        assert_eq!(user.role, Role::Agent);
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let problems = new_user("not-an-email", "root", "short").unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("email:"));
        assert!(problems[1].starts_with("role:"));
        assert!(problems[2].starts_with("password:"));
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        for bad in ["", "@demo.example", "sam@", "sam@localhost", "sam@@demo.example", "s am@demo.example"] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
        assert!(check_email("sam+ops@mail.demo.example").is_ok());
    }

    #[test]
    fn passwords_have_a_floor_and_a_ceiling() {
        assert!(check_password("123456789").is_err());
        assert!(check_password("1234567890").is_ok());
        assert!(check_password(&"x".repeat(MAX_PASSWORD_BYTES + 1)).is_err());
    }

    #[test]
    fn the_last_owner_can_be_neither_removed_nor_demoted() {
        let owner = Role::Owner;
        assert_eq!(may_change(owner, Some(owner), None, 1), Err(Refusal::LastOwner));
        assert_eq!(may_change(owner, Some(owner), Some(Role::Admin), 1), Err(Refusal::LastOwner));
        assert_eq!(may_change(owner, Some(owner), None, 2), Ok(()));
        assert_eq!(may_change(owner, Some(owner), Some(owner), 1), Ok(()), "no change is not a demotion");
    }

    #[test]
    fn admins_manage_everyone_but_owners() {
        let admin = Role::Admin;
        assert_eq!(may_change(admin, None, Some(Role::Agent), 1), Ok(()));
        assert_eq!(may_change(admin, Some(Role::Viewer), Some(Role::Admin), 1), Ok(()));
        assert_eq!(may_change(admin, Some(Role::Agent), None, 1), Ok(()));
        assert_eq!(may_change(admin, None, Some(Role::Owner), 1), Err(Refusal::OwnersOnly));
        assert_eq!(may_change(admin, Some(Role::Owner), Some(Role::Agent), 3), Err(Refusal::OwnersOnly));
        assert_eq!(may_change(admin, Some(Role::Owner), None, 3), Err(Refusal::OwnersOnly));
    }
}
