#!/usr/bin/env bash
# `make dev`: migrate and seed the local D1, print what a new user needs, then serve.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
wrangler d1 migrations apply DB --local >/dev/null
wrangler d1 execute DB --local --file seed/dev.sql >/dev/null
base=http://127.0.0.1:8787
cat <<INFO

  Frontdesk is starting on $base  (local workerd: D1, Durable Objects, Queues)

  Dashboard        $base/
  Health           $base/health
  Twilio SMS       POST $base/webhooks/twilio/sms
  Live events      curl -N -H "Authorization: Bearer fd_demo_devkey_0000000000000000" $base/api/v1/events

  Dev-only credentials (public, fake — production uses wrangler secrets):
    demo   "Maple & Pine Lettings"     number +14155550100  Twilio token demo-twilio-auth-token   API key fd_demo_devkey_0000000000000000
    demo2  "Harbour View Holiday Lets" number +14155550199  Twilio token demo2-twilio-auth-token  API key fd_demo2_devkey_000000000000000
    OAuth sign-in (MCP clients, $base/oauth/authorize): owner@demo.example / demo-owner-password (business demo),
                                                        owner@demo2.example / demo2-owner-password (business demo2)
    Console sign-in ($base/, POST /api/v1/session), business demo: the owner above,
                                                        agent@demo.example / demo-agent-password (agent),
                                                        viewer@demo.example / demo-viewer-password (viewer)

  Try it:  make sms FROM=+447700900123 BODY="Hi, is the flat on Elm Road still available?"
  Sweeper  curl "$base/__scheduled?cron=*+*+*+*+*"   (runs every minute when deployed)

INFO
exec wrangler dev --local --ip 127.0.0.1 --port 8787 --show-interactive-dev-session=false --test-scheduled
