//! [`Cable`]: a network between the client and the simulator that a test can unplug and plug
//! back in. It is a TCP relay on its own loopback port; unplugged, nothing listens on that port
//! and every connection is refused at once, as when a laptop has no network, and the
//! connections it carried are cut.

use std::net::SocketAddr;
use std::sync::Mutex;

use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::task::JoinHandle;

/// A relay from its own port to the simulator's.
#[derive(Debug)]
pub struct Cable {
    port: SocketAddr,
    target: SocketAddr,
    relay: Mutex<Option<JoinHandle<()>>>,
}

impl Cable {
    /// A cable to the server at `base_url` (`http://127.0.0.1:PORT`), plugged in.
    pub async fn to(base_url: &str) -> Self {
        let target: SocketAddr = base_url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .expect("an http://IP:PORT base URL");
        let listener = listen("127.0.0.1:0".parse().expect("address"));
        let cable = Self {
            port: listener.local_addr().expect("local address"),
            target,
            relay: Mutex::new(None),
        };
        cable.start(listener);
        cable
    }

    /// The base URL to give the client instead of the simulator's.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.port)
    }

    /// Refuses every connection from now on and cuts the open ones.
    pub async fn unplug(&self) {
        let relay = self.relay.lock().expect("lock").take();
        if let Some(relay) = relay {
            relay.abort();
            // Ends once the task, its listener and its links are dropped.
            let _ = relay.await;
        }
    }

    /// Connects again, on the same port.
    pub async fn plug(&self) {
        self.unplug().await;
        self.start(listen(self.port));
    }

    fn start(&self, listener: TcpListener) {
        let target = self.target;
        let relay = tokio::spawn(async move {
            let mut links = tokio::task::JoinSet::new();
            // Aborting this task drops the set, which aborts every link: the cut.
            while let Ok((mut inbound, _)) = listener.accept().await {
                links.spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        });
        *self.relay.lock().expect("lock") = Some(relay);
    }
}

impl Drop for Cable {
    fn drop(&mut self) {
        if let Some(relay) = self.relay.lock().expect("lock").take() {
            relay.abort();
        }
    }
}

/// A listener on `addr`, which may be a port just released (`SO_REUSEADDR`).
fn listen(addr: SocketAddr) -> TcpListener {
    let socket = TcpSocket::new_v4().expect("socket");
    socket.set_reuseaddr(true).expect("SO_REUSEADDR");
    socket
        .bind(addr)
        .and_then(|()| socket.listen(64))
        .unwrap_or_else(|err| panic!("cannot listen on {addr}: {err}"))
}
