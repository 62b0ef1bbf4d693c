//! Who is administering a tenant (users, keys, tenants, pause): the caller of an admin route
//! (`caller::resolve`, which has already checked the role table), with the role finer rules
//! follow (only an owner touches an owner) and the actor their changes are audited as.

use super::caller;
use crate::error::AppResult;
use crate::platform::d1::Audit;
use frontdesk_core::ids;
use frontdesk_core::ports::{Clock, Random};
use frontdesk_core::users::Role;
use frontdesk_durable::platform::time::{WorkerClock, WorkerRandom};
use worker::{D1Database, Env, Request};

pub struct Admin {
    pub db: D1Database,
    pub tenant_id: String,
    pub role: Role,
    /// `audit_log.actor`: `api_key:<id>` or `user:<id>`.
    pub actor: String,
}

pub async fn authenticate_admin(req: &Request, env: &Env) -> AppResult<Admin> {
    let (db, caller) = caller::resolve(req, env).await?;
    Ok(Admin { actor: caller.actor(), db, tenant_id: caller.tenant_id, role: caller.role })
}

/// An audit entry's id and time, made once per change so the entry and the change agree.
pub struct Stamp {
    pub audit_id: String,
    pub now: u64,
}

impl Stamp {
    pub fn now() -> Self {
        let now = WorkerClock.now_ms();
        Self { audit_id: ids::make(ids::AUDIT, now, WorkerRandom.next_u64()), now }
    }
}

impl Admin {
    /// The audit entry for `action` on `subject` by this admin.
    pub fn audit<'a>(&'a self, stamp: &'a Stamp, action: &'a str, subject: &'a str, detail: &'a str) -> Audit<'a> {
        Audit {
            id: &stamp.audit_id,
            tenant_id: &self.tenant_id,
            actor: &self.actor,
            action,
            subject,
            detail,
            at_ms: stamp.now,
        }
    }
}
