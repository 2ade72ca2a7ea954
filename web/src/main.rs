//! Entry point of the browser bundle (built by trunk): mounts the playground into the page.

fn main() {
    // The handle is dropped, not the app: Yew keeps a mounted app alive with the page.
    let _app = snowrv_web::start();
}
