<?php
// Two Link headers hinted with a 103 (FrankenPHP's headers_send()), then the final response after a pause.
header('Link: </style.css>; rel=preload; as=style');
header('Link: </app.js>; rel=preload; as=script', false);
header('X-Not-Hinted: final only');
$hinted = headers_send(103);
if (isset($_GET['twice'])) {
    header('Link: </font.woff2>; rel=preload; as=font', false);
    headers_send(103);
}
usleep((int)($_GET['ms'] ?? 0) * 1000);
if (isset($_GET['drop'])) {
    header_remove('Link');
    header('Link: </other.css>; rel=preload; as=style');
}
header('Content-Type: text/plain');
echo "hinted=$hinted";
flush();
$late = headers_send(103);
echo " late=$late";
