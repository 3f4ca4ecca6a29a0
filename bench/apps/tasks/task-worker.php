<?php
// The task workers of the task cases (java/TaskDriver.java): an empty task, answered with its payload.
while (\Ephpm\Worker\take_request()) {
    echo file_get_contents('php://input');
}
