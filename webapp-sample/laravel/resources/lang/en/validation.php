<?php

return [
    'file' => 'The :attribute must be a file.',
    'max' => [
        'file' => 'The :attribute must not be greater than :max kilobytes.',
        'string' => 'The :attribute must not be greater than :max characters.',
    ],
    'min' => [
        'string' => 'The :attribute must be at least :min characters.',
    ],
    'required' => 'The :attribute field is required.',
    'string' => 'The :attribute must be a string.',
    'uploaded' => 'The :attribute failed to upload.',
    'attributes' => [],
];
