/** How busy this task server is: tasks accepted and not finished against its capacity, and shedding beyond it. */
@NullMarked
package io.meridian.taskserver.load;

import org.jspecify.annotations.NullMarked;
