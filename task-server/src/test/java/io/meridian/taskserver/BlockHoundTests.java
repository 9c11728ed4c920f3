package io.meridian.taskserver;

import io.meridian.testing.BlockHoundContract;

/** BlockHound watches every test of the task server: blocking a non-blocking thread fails. */
class BlockHoundTests extends BlockHoundContract {
}
