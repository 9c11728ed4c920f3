package io.meridian.gateway;

import io.meridian.testing.BlockHoundContract;

/** BlockHound watches every test of the gateway: blocking a non-blocking thread fails. */
class BlockHoundTests extends BlockHoundContract {
}
