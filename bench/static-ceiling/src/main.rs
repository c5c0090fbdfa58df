//! The benchmark's ceiling: the fastest a GraphQL answer can come from actix-web on this
//! machine, because the answer is already serialised. `bench/run` gives it City Atlas's own
//! response to a query and measures it beside the real servers.
//!
//!     static-ceiling RESPONSE.json 127.0.0.1:PORT [WORKERS]

use actix_web::{App, HttpResponse, HttpServer, web};

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(bind)) = (args.next(), args.next()) else {
        eprintln!("usage: static-ceiling RESPONSE.json HOST:PORT [WORKERS]");
        std::process::exit(2);
    };
    let workers = args
        .next()
        .and_then(|workers| workers.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    let body = web::Bytes::from(std::fs::read(&path)?);
    HttpServer::new(move || {
        let body = body.clone();
        App::new().route(
            "/graphql",
            // The request's body is read, as a real server reads it: actix closes a
            // connection whose body was left unread, and a ceiling measured over a new
            // connection per request would sit below servers that keep theirs alive.
            web::post().to(move |_request: web::Bytes| {
                let body = body.clone();
                async move {
                    HttpResponse::Ok()
                        .content_type("application/json")
                        .body(body)
                }
            }),
        )
    })
    .workers(workers)
    .bind(bind)?
    .run()
    .await
}
