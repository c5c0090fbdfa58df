//! `subscription { changes }` over graphql-transport-ws: a curator's correction reaches an
//! open subscription as it commits (through another replica, on PostgreSQL), a bad token
//! closes the socket, queries are refused on it, and a client's subscriptions are capped.

use crate::helpers::{
    Backend, CHANGES, Socket, TestApp, backends, correct_figure, spawn_app, spawn_replica, token,
};
use cityatlas::auth::Role;
use serde_json::{Value, json};

/// The last change committed so far. A subscription given it as `afterSequence` sends
/// every later change, however late the server starts it: the tests do not race it.
async fn last_sequence(app: &TestApp) -> i64 {
    app.data("{ auditEvents(last: 1) { nodes { sequence } } }")
        .await["auditEvents"]["nodes"][0]["sequence"]
        .as_i64()
        .expect("a sequence")
}

async fn china_2024(app: &TestApp) -> Value {
    app.data(r#"{ observations(filter: { indicator: ["ai_market_size"], country: ["CN"], period: ["2024"] }) { nodes { id revision } } }"#)
        .await["observations"]["nodes"][0]
        .clone()
}

#[tokio::test]
async fn a_correction_reaches_an_open_subscription_as_it_commits() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let editor = token(&app, "subscriptions-editor", Role::Editor).await;
        // On PostgreSQL the subscriber is on another replica than the writer.
        let subscribed_at = match backend {
            Backend::Postgres => spawn_replica(&app, |_| {}).await,
            Backend::Sqlite => app.address.clone(),
        };
        let mut socket = Socket::acknowledged(&subscribed_at, json!({})).await;
        let now = last_sequence(&app).await;
        socket
            .subscribe("feed", CHANGES, json!({ "after": now }))
            .await;
        // Nothing has changed since the subscription began: the feed waits. A query on
        // the same socket is refused, since over HTTP it would be priced and charged.
        socket.subscribe("query", "{ apiVersion }", json!({})).await;
        let refused = socket.next().await.expect("an answer");
        assert_eq!(refused["id"], "query", "{refused}");
        assert_eq!(
            refused["payload"]["errors"][0]["extensions"]["code"], "BAD_REQUEST",
            "{refused}"
        );

        let figure = china_2024(&app).await;
        correct_figure(&app, &editor, &figure, 41.0).await;
        let next = loop {
            let message = socket.next().await.expect("a message");
            if message["id"] == "feed" {
                break message;
            }
        };
        assert_eq!(next["type"], "next", "{backend:?}: {next}");
        let change = &next["payload"]["data"]["changes"];
        assert_eq!(change["entityId"], figure["id"], "{backend:?}: {change}");
        assert_eq!(change["kind"], "UPDATED");
        assert_eq!(
            change["revision"],
            figure["revision"].as_i64().unwrap_or(0) + 1
        );
        let sequence = change["sequence"].as_i64().expect("a sequence");

        // A client that reconnects resumes after the last change it was sent, and gets
        // what it missed meanwhile, once.
        drop(socket);
        correct_figure(&app, &editor, &china_2024(&app).await, 42.0).await;
        let mut resumed = Socket::acknowledged(&subscribed_at, json!({})).await;
        resumed
            .subscribe("feed", CHANGES, json!({ "after": sequence - 1 }))
            .await;
        for revision_after in [1, 2] {
            let message = resumed.next().await.expect("a message");
            assert_eq!(
                message["payload"]["data"]["changes"]["revision"],
                figure["revision"].as_i64().unwrap_or(0) + revision_after,
                "{backend:?}: {message}"
            );
        }
    }
}

#[tokio::test]
async fn a_bad_token_closes_the_socket_and_subscriptions_are_capped_per_client() {
    for backend in backends().await {
        let app = spawn_app(backend).await;
        let mut refused = Socket::open(
            &app.address,
            json!({ "Authorization": "Bearer ca_not-a-real-token" }),
        )
        .await;
        let closed = refused.next().await.expect_err("the socket is closed");
        assert!(closed.contains("not valid"), "{backend:?}: {closed}");

        let reader = token(&app, "subscriptions-reader", Role::Reader).await;
        let authorization = format!("Bearer {reader}");
        // The cap is the client's, across its sockets.
        let mut first =
            Socket::acknowledged(&app.address, json!({ "Authorization": authorization })).await;
        let mut second =
            Socket::acknowledged(&app.address, json!({ "Authorization": authorization })).await;
        let now = json!({ "after": last_sequence(&app).await });
        for n in 0..5 {
            first
                .subscribe(&format!("a{n}"), CHANGES, now.clone())
                .await;
        }
        for n in 0..6 {
            second
                .subscribe(&format!("b{n}"), CHANGES, now.clone())
                .await;
        }
        // Which of the eleven is refused depends on the order the server starts them in;
        // that ten hold and one is refused does not. The ten hear the next change.
        let editor = token(&app, "subscriptions-editor", Role::Editor).await;
        correct_figure(&app, &editor, &china_2024(&app).await, 41.0).await;
        let mut delivered = Vec::new();
        let mut refused = Vec::new();
        for (socket, subscriptions) in [(&mut first, 5), (&mut second, 6)] {
            let mut answered = 0;
            while answered < subscriptions {
                let message = socket.next().await.expect("a message");
                if message["type"] != "next" {
                    continue;
                }
                answered += 1;
                match message["payload"]["errors"][0]["extensions"]["code"].as_str() {
                    Some(code) => refused.push(code.to_owned()),
                    None => delivered.push(message["id"].as_str().unwrap_or_default().to_owned()),
                }
            }
        }
        assert_eq!(refused, ["RATE_LIMITED"], "{backend:?}");
        assert_eq!(delivered.len(), 10, "{backend:?}: {delivered:?}");

        // Completing one frees its slot for the next, on the same socket, in order.
        let (socket, held) = match delivered.iter().find(|id| id.starts_with('a')) {
            Some(id) => (&mut first, id.clone()),
            None => (&mut second, delivered[0].clone()),
        };
        socket.send(json!({ "id": held, "type": "complete" })).await;
        let now = json!({ "after": last_sequence(&app).await });
        socket.subscribe("again", CHANGES, now).await;
        correct_figure(&app, &editor, &china_2024(&app).await, 42.0).await;
        let again = loop {
            let message = socket.next().await.expect("a message");
            if message["id"] == "again" {
                break message;
            }
        };
        assert_eq!(again["type"], "next", "{backend:?}: {again}");
        assert_eq!(
            again["payload"]["data"]["changes"]["kind"], "UPDATED",
            "{backend:?}: {again}"
        );
    }
}
