/** How busy this task server is: requests in flight against its capacity, and shedding beyond it. */
@NullMarked
package io.meridian.taskserver.load;

import org.jspecify.annotations.NullMarked;
