package dev.chatstream.deploy;

/** The services with the prod overlay's environment: three-replica streams on the three nodes. */
class ServicesOnProdOverlayTest extends ServicesOnClusterTest {
    @Override
    String overlay() {
        return "prod";
    }
}
