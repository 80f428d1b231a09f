package dev.chatstream.deploy;

/** The services with the dev overlay's environment: one-replica streams. */
class ServicesOnDevOverlayTest extends ServicesOnClusterTest {
    @Override
    String overlay() {
        return "dev";
    }
}
