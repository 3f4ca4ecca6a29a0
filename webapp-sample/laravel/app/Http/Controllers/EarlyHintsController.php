<?php

namespace App\Http\Controllers;

use Illuminate\Http\Response;

/**
 * 103 Early Hints as Symfony sends them: the stylesheet's Link header goes out before the page is
 * built, and the same response object carries it into the final answer.
 */
class EarlyHintsController
{
    public function __invoke(): Response
    {
        $response = new Response();
        $response->headers->set('Link', '<' . asset('css/app.css') . '>; rel=preload; as=style');
        $response->sendHeaders(103);
        usleep(300000); // a page that takes a while to build

        return $response->setContent("The stylesheet was hinted before this page was built.\n")
            ->header('Content-Type', 'text/plain; charset=UTF-8');
    }
}
